import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair standing in for a serial cable: the simulator keeps the master, a
/// client opens `slavePath` (`/dev/pts/N`) like any tty. Made with posix_openpt, grantpt,
/// unlockpt and ptsname_r, so no socat is needed. Tests use it as the serial cable too.
public struct PseudoTerminal: Sendable {
    public let master: Int32
    public let slavePath: String

    public init() throws(SimulatorError) {
        let fd = PTY.openpt(O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw Self.failure("posix_openpt") }
        guard PTY.grant(fd) == 0 else { defer { close(fd) }; throw Self.failure("grantpt") }
        guard PTY.unlock(fd) == 0 else { defer { close(fd) }; throw Self.failure("unlockpt") }
        var name = [CChar](repeating: 0, count: 128)
        guard PTY.name(fd, &name, name.count) == 0 else { defer { close(fd) }; throw Self.failure("ptsname_r") }
        master = fd
        slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        makeSlaveRaw()
    }

    /// A new pty's line discipline echoes and edits like a terminal until a client sets raw
    /// mode (libmodbus and pyserial do on open). Setting it now means a client that does not
    /// (a `cat`, a terminal program) cannot echo the simulator's replies back into its requests.
    private func makeSlaveRaw() {
        let fd = open(slavePath, O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else { return }
        cfmakeraw(&t)
        _ = tcsetattr(fd, TCSANOW, &t)
    }

    private static func failure(_ step: String) -> SimulatorError {
        SimulatorError("\(step): \(String(cString: strerror(errno)))")
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
