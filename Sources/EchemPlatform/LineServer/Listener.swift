#if canImport(Glibc)
import Glibc
#endif

/// The listening socket of a `UnixLineServer`: either bound here to a path, or adopted from
/// socket activation.
struct Listener: Sendable {
    let fd: Int32
    /// Set when this process created the socket file, so `close()` may remove it. The device and
    /// inode tell our file apart from one a newer server instance bound after us.
    let ownedFile: (path: String, device: UInt64, inode: UInt64)?

    /// Binds a fresh socket at `path`.
    ///
    /// A socket file left by a crashed daemon would make `bind` fail with `EADDRINUSE`, so an
    /// existing socket file is probed with a non-blocking `connect`: refused means nobody listens
    /// (stale, removed); accepted or backlog-full means a live server (refuse to start rather than
    /// steal its address). Anything else at the path is left alone.
    ///
    /// The mode and group are applied between `bind` and `listen`: until `listen`, connection
    /// attempts are refused, so there is no window in which the umask's permissions are usable.
    static func bind(path: String, mode: mode_t, group: String?) throws(UnixLineServer.Error) -> Listener {
        guard !path.hasPrefix("@"), let address = try? UnixSocketAddress(path) else { throw .invalidPath(path) }
        var gid: gid_t?
        if let group {
            guard let g = UserGroups.gid(ofGroupNamed: group) else { throw .unknownGroup(group) }
            gid = g
        }
        try removeStaleSocket(at: path, address: address)

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .system(.last("socket(AF_UNIX)")) }
        var created = false
        do throws(UnixLineServer.Error) {
            let rc = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            if rc != 0 {
                if errno == EADDRINUSE { throw .addressInUse(path: path) }  // lost a race with another server
                throw .system(.last("bind(\(path))"))
            }
            created = true
            guard chmod(path, mode) == 0 else { throw .system(.last("chmod(\(path))")) }
            if let gid {
                guard chown(path, uid_t.max, gid) == 0 else { throw .system(.last("chown(\(path), :\(group!))")) }
            }
            guard listen(fd, SOMAXCONN) == 0 else { throw .system(.last("listen(\(path))")) }
            var st = stat()
            guard stat(path, &st) == 0 else { throw .system(.last("stat(\(path))")) }
            return Listener(fd: fd, ownedFile: (path, UInt64(st.st_dev), UInt64(st.st_ino)))
        } catch {
            FileDescriptor.close(fd)
            if created { unlink(path) }
            throw error
        }
    }

    /// Takes over an already listening descriptor (from `SocketActivation`). The socket file
    /// belongs to systemd, which keeps it across daemon restarts, so it is never removed here.
    static func adopt(fd: Int32) throws(UnixLineServer.Error) -> Listener {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        guard option(SO_DOMAIN) == AF_UNIX,
              option(SO_TYPE) == Int32(SOCK_STREAM.rawValue),
              option(SO_ACCEPTCONN) == 1
        else { throw .notAListeningUnixStreamSocket(fd: fd) }
        do {
            try FileDescriptor.setNonBlocking(fd)
            try FileDescriptor.setCloseOnExec(fd)
        } catch {
            throw .system(error)
        }
        return Listener(fd: fd, ownedFile: nil)
    }

    /// Closes the socket and removes its file if we created it and it is still ours.
    func close() {
        FileDescriptor.close(fd)
        guard let owned = ownedFile else { return }
        var st = stat()
        if lstat(owned.path, &st) == 0, UInt64(st.st_dev) == owned.device, UInt64(st.st_ino) == owned.inode {
            unlink(owned.path)
        }
    }

    private static func removeStaleSocket(at path: String, address: UnixSocketAddress) throws(UnixLineServer.Error) {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw .system(.last("lstat(\(path))"))
        }
        guard st.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path: path) }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard probe >= 0 else { throw .system(.last("socket(AF_UNIX)")) }
        defer { FileDescriptor.close(probe) }
        let rc = address.withSockAddr { sa, len in retryingEINTR { connect(probe, sa, len) } }
        if rc == 0 || errno == EAGAIN || errno == EINPROGRESS { throw .addressInUse(path: path) }
        guard errno == ECONNREFUSED else { throw .system(.last("connect(\(path)) to probe for a live server")) }
        if unlink(path) != 0 && errno != ENOENT { throw .system(.last("unlink(stale \(path))")) }
    }
}
