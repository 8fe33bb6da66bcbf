#if canImport(Glibc)
import Glibc
#endif

/// Small `fcntl` helpers shared by the socket code.
enum FileDescriptor {
    /// Sets `O_NONBLOCK`, which the poll loop relies on: a single blocking `read`/`send`/`accept`
    /// would stall every other client served by the same thread.
    static func setNonBlocking(_ fd: Int32) throws(SystemError) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else { throw .last("fcntl(F_GETFL)") }
        if flags & O_NONBLOCK != 0 { return }
        guard fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .last("fcntl(F_SETFL, O_NONBLOCK)") }
    }

    /// Sets `FD_CLOEXEC`, so descriptors never leak into processes the daemon spawns.
    static func setCloseOnExec(_ fd: Int32) throws(SystemError) {
        let flags = fcntl(fd, F_GETFD)
        guard flags >= 0 else { throw .last("fcntl(\(fd), F_GETFD)") }
        if flags & FD_CLOEXEC != 0 { return }
        guard fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0 else { throw .last("fcntl(\(fd), F_SETFD)") }
    }

    /// Closes without retrying on `EINTR`: on Linux the descriptor is released even when `close`
    /// reports `EINTR`, and retrying could close a descriptor another thread just opened.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
