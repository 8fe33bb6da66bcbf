#if canImport(Glibc)
import Glibc
#endif

/// A UNIX-domain socket address: a filesystem path (`/run/echemd/echemd.sock`) or a Linux
/// abstract name written `@name` (systemd's convention for `NOTIFY_SOCKET`).
///
/// Stored as plain bytes so it is trivially `Sendable`; the C `sockaddr_un` is built on the
/// stack for each call, which costs nothing next to the system call itself.
struct UnixSocketAddress: Sendable, Equatable {
    /// Bytes to place in `sun_path`. For abstract names the first byte is NUL.
    let pathBytes: [UInt8]
    /// True for an abstract name: no filesystem node, no trailing NUL, length counts exactly.
    let isAbstract: Bool

    /// `sun_path` is 108 bytes on Linux; a path needs one more for its terminating NUL.
    static let maxPathBytes = MemoryLayout<sockaddr_un>.size - MemoryLayout<sa_family_t>.size

    enum Problem: Error, Equatable {
        case empty
        case tooLong(Int)
        case notAbsoluteOrAbstract
    }

    /// Parses `/path` or `@abstract`. Relative paths are accepted too when `allowRelative`
    /// (tests and the CLI may pass them); `NOTIFY_SOCKET` never allows them.
    init(_ string: String, allowRelative: Bool = true) throws(Problem) {
        var bytes = Array(string.utf8)
        guard let first = bytes.first else { throw .empty }
        if first == UInt8(ascii: "@") {
            bytes[0] = 0
            isAbstract = true
            guard bytes.count <= Self.maxPathBytes else { throw .tooLong(bytes.count) }
        } else {
            guard first == UInt8(ascii: "/") || allowRelative else { throw .notAbsoluteOrAbstract }
            isAbstract = false
            guard bytes.count < Self.maxPathBytes else { throw .tooLong(bytes.count) }
        }
        pathBytes = bytes
    }

    /// Calls `body` with a filled `sockaddr_un` and the exact length to pass to the kernel:
    /// `sizeof(sa_family_t) + path bytes` (+1 for a path's NUL). For abstract names the length
    /// matters: trailing NULs would become part of the name.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = MemoryLayout<sa_family_t>.size + pathBytes.count + (isAbstract ? 0 : 1)
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(length)) }
        }
    }
}
