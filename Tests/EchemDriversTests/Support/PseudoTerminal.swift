import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair made with posix_openpt/grantpt/unlockpt/ptsname_r, standing in for a
/// serial cable: the server keeps the master, the client opens `slavePath` like any tty.
struct PseudoTerminal {
    let master: Int32
    let slavePath: String

    struct Failure: Error, CustomStringConvertible {
        var step: String
        var code: Int32
        var description: String { "\(step): \(String(cString: strerror(code)))" }
    }

    init() throws {
        let fd = PTY.openpt(O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw Failure(step: "posix_openpt", code: errno) }
        guard PTY.grant(fd) == 0 else { close(fd); throw Failure(step: "grantpt", code: errno) }
        guard PTY.unlock(fd) == 0 else { close(fd); throw Failure(step: "unlockpt", code: errno) }
        var name = [CChar](repeating: 0, count: 128)
        guard PTY.name(fd, &name, name.count) == 0 else { close(fd); throw Failure(step: "ptsname_r", code: errno) }
        master = fd
        slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// glibc declares the pty functions only under _XOPEN_SOURCE, which Swift's Glibc module is not
/// built with; they are looked up by name in the already-loaded C library instead.
private enum PTY {
    static func symbol<T>(_ name: String, as: T.Type) -> T {
        guard let p = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("\(name) not found in libc") }
        return unsafeBitCast(p, to: T.self)
    }

    static let openpt = symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grant = symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlock = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let name = symbol("ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32).self)
}
