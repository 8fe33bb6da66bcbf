#if canImport(Glibc)
import Glibc
#endif

/// Listening sockets passed in by systemd socket activation (`sd_listen_fds(3)`), re-implemented
/// so the daemon needs no libsystemd.
///
/// With `echemd.socket` (`Accept=no`), systemd creates `/run/echemd/echemd.sock` before the daemon
/// starts and hands it over as fd 3. Clients can connect while the daemon is still starting or
/// restarting; their connections wait in the backlog instead of failing.
public enum SocketActivation {
    /// The first passed descriptor (`SD_LISTEN_FDS_START`).
    public static let firstFD: Int32 = 3

    /// Malformed activation variables. systemd never produces these; seeing one means the
    /// environment was hand-edited or inherited from something else, and guessing is unsafe.
    public enum Error: Swift.Error, Equatable, Sendable {
        case invalidListenPID(String)
        case invalidListenFDs(String)
        /// `LISTEN_FDNAMES` has a different number of names than `LISTEN_FDS`.
        case nameCountMismatch(names: Int, fds: Int)
        /// A passed descriptor is not open.
        case badDescriptor(Int32, errno: Int32)
    }

    /// The sockets systemd passed to this process, with their `FileDescriptorName=`.
    ///
    /// Returns `[]` when the process was not socket-activated (`LISTEN_PID` unset) or the
    /// variables are meant for another process (`LISTEN_PID` ≠ `getpid()`, e.g. inherited by a
    /// child). Each returned descriptor gets `FD_CLOEXEC`, so it does not leak into processes the
    /// daemon spawns. With `unsetEnvironment` (the default) `LISTEN_PID`, `LISTEN_FDS` and
    /// `LISTEN_FDNAMES` are removed in every case, so children never see them and a second call
    /// returns `[]`: the descriptors have exactly one owner.
    ///
    /// `setenv`/`unsetenv` are not thread-safe in glibc: call this early in `main`, before other
    /// threads exist.
    public static func listeningSockets(unsetEnvironment: Bool = true) throws(Error) -> [(fd: Int32, name: String?)] {
        defer {
            if unsetEnvironment {
                unsetenv("LISTEN_PID")
                unsetenv("LISTEN_FDS")
                unsetenv("LISTEN_FDNAMES")
            }
        }
        guard let pidText = env("LISTEN_PID") else { return [] }
        guard let pid = pid_t(pidText), pid > 0 else { throw .invalidListenPID(pidText) }
        guard pid == getpid() else { return [] }
        let fdsText = env("LISTEN_FDS") ?? "0"
        guard let count = Int32(fdsText), count >= 0, count <= Int32.max - firstFD else {
            throw .invalidListenFDs(fdsText)
        }
        var names: [String?] = Array(repeating: nil, count: Int(count))
        if let namesText = env("LISTEN_FDNAMES") {
            let split = namesText.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard split.count == Int(count) else { throw .nameCountMismatch(names: split.count, fds: Int(count)) }
            names = split.map { $0.isEmpty ? nil : $0 }
        }
        var result: [(fd: Int32, name: String?)] = []
        for i in 0..<count {
            let fd = firstFD + i
            do {
                try FileDescriptor.setCloseOnExec(fd)
            } catch {
                throw .badDescriptor(fd, errno: error.errno)
            }
            result.append((fd: fd, name: names[Int(i)]))
        }
        return result
    }

    private static func env(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
