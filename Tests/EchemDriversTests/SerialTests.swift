import EchemWireSim
import Foundation
import Testing
@testable import EchemDrivers
#if canImport(Glibc)
import Glibc
#endif

/// `SerialPort` on a real pseudo-terminal: the test holds the master end (the "instrument"),
/// the port opens the slave like any tty, so termios, exclusivity and I/O all go through the
/// kernel's tty layer.
@Suite("Serial ports")
struct SerialTests {
    @Test("the slave is put in raw mode at 115200-8N1")
    func rawMode() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let port = try SerialPort(path: pty.slavePath, settings: SerialSettings(baud: 115_200))
        var t = termios()
        #expect(tcgetattr(port.fileDescriptor, &t) == 0)
        #expect(t.c_lflag & tcflag_t(ICANON | ECHO | ECHONL | ISIG | IEXTEN) == 0)
        #expect(t.c_iflag & tcflag_t(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP | PARMRK | INPCK) == 0)
        #expect(t.c_oflag & tcflag_t(OPOST) == 0)
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(t.c_cflag & tcflag_t(PARENB | CSTOPB) == 0)
        #expect(t.c_cflag & CRTSCTS == 0)
        #expect(t.c_cflag & tcflag_t(CLOCAL | CREAD) == tcflag_t(CLOCAL | CREAD))
        #expect(cfgetospeed(&t) == speed_t(B115200))
        #expect(cfgetispeed(&t) == speed_t(B115200))
        #expect(Self.isExclusive(port.fileDescriptor))
        // O_CLOEXEC: not inherited by anything the daemon spawns.
        #expect(fcntl(port.fileDescriptor, F_GETFD) & FD_CLOEXEC != 0)
    }

    /// TIOCGEXCL (`_IOR('T', 0x40, int)`, a macro Swift does not import): is TIOCEXCL set?
    static func isExclusive(_ fd: Int32) -> Bool {
        var exclusive: Int32 = 0
        return ioctl(fd, UInt(0x8004_5440), &exclusive) == 0 && exclusive != 0
    }

    @Test("7E2 and odd parity are set in termios as asked")
    func framingFlags() {
        var t = termios()
        SerialTermios.configure(&t, settings: SerialSettings(baud: 9600, parity: .even, dataBits: 7, stopBits: 2), speed: speed_t(B9600))
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS7))
        #expect(t.c_cflag & tcflag_t(PARENB | PARODD | CSTOPB) == tcflag_t(PARENB | CSTOPB))
        #expect(t.c_iflag & tcflag_t(INPCK) != 0)
        #expect(cfgetospeed(&t) == speed_t(B9600))
        SerialTermios.configure(&t, settings: SerialSettings(parity: .odd), speed: speed_t(B115200))
        #expect(t.c_cflag & tcflag_t(CSIZE | PARENB | PARODD | CSTOPB) == tcflag_t(CS8 | PARENB | PARODD))
    }

    @Test("framing the driver does not apply is refused, not silently changed")
    func framingRefused() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        // The Linux pty driver forces CS8 and clears PARENB (drivers/tty/pty.c, pty_set_termios),
        // as a USB adapter might refuse 7 data bits: the port reads the settings back and says so.
        let error = #expect(throws: SerialError.self) {
            try SerialPort(path: pty.slavePath, settings: SerialSettings(baud: 9600, parity: .even, dataBits: 7, stopBits: 2))
        }
        #expect(error == .settingsRejected(device: pty.slavePath, reason: "data bits, parity or stop bits not applied for 9600-7E2"))
        // What a pty does carry: the rates, including the fast ones.
        for (baud, constant) in [(9600, B9600), (230_400, B230400), (460_800, B460800), (921_600, B921600)] {
            let port = try SerialPort(path: pty.slavePath, settings: SerialSettings(baud: baud))
            var t = termios()
            _ = tcgetattr(port.fileDescriptor, &t)
            #expect(cfgetospeed(&t) == speed_t(constant))
        }
    }

    @Test("every byte value, CR, LF, NUL and XON/XOFF included, passes unchanged both ways")
    func transparency() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let port = try SerialPort(path: pty.slavePath)
        let all = (0...255).map(UInt8.init) + [0x0D, 0x0A, 0x00, 0x11, 0x13, 0x0D, 0x0A]

        try Master.write(pty.master, all)
        var received: [UInt8] = []
        while received.count < all.count {
            let chunk = try port.read(max: 64, timeout: .seconds(2))
            try #require(!chunk.isEmpty, "only \(received.count) of \(all.count) bytes arrived")
            received += chunk
        }
        #expect(received == all)

        try port.write(all)
        try port.drain()
        #expect(try Master.read(pty.master, count: all.count, timeout: .seconds(2)) == all)
        // Nothing was echoed back to the instrument's side (ECHO is off).
        #expect(try Master.read(pty.master, count: 1, timeout: .milliseconds(50)).isEmpty)
    }

    @Test("readLine splits on the terminator, keeps what follows, and times out on a partial line")
    func readLine() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let port = try SerialPort(path: pty.slavePath)
        try Master.write(pty.master, Array("e\r\nP0123\nM000".utf8))
        #expect(try port.readLine(timeout: .seconds(1)) == Array("e\r".utf8))
        #expect(try port.readLine(timeout: .seconds(1)) == Array("P0123".utf8))

        let start = ContinuousClock.now
        #expect(throws: SerialError.timedOut(device: pty.slavePath, operation: "readLine", after: .milliseconds(200))) {
            try port.readLine(timeout: .milliseconds(200))
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(200) && waited < .seconds(2))

        // The partial line was kept; the rest completes it. A two-byte terminator also works.
        try Master.write(pty.master, Array("1\r\nnext".utf8))
        #expect(try port.readLine(terminator: [0x0D, 0x0A], timeout: .seconds(1)) == Array("M0001".utf8))
        #expect(try port.read(max: 10, timeout: .seconds(1)) == Array("next".utf8))
    }

    @Test("a terminator split across two reads is found")
    func splitTerminator() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let port = try SerialPort(path: pty.slavePath)
        try Master.write(pty.master, Array("abc\r".utf8))
        #expect(throws: SerialError.self) { try port.readLine(terminator: [0x0D, 0x0A], timeout: .milliseconds(50)) }
        try Master.write(pty.master, [0x0A])
        #expect(try port.readLine(terminator: [0x0D, 0x0A], timeout: .seconds(1)) == Array("abc".utf8))
    }

    @Test("a line longer than maxLength is dropped with an error")
    func lineTooLong() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let port = try SerialPort(path: pty.slavePath)
        try Master.write(pty.master, [UInt8](repeating: 0x41, count: 100))
        #expect(throws: SerialError.lineTooLong(device: pty.slavePath, limit: 32)) {
            try port.readLine(timeout: .seconds(1), maxLength: 32)
        }
    }

    @Test("a second open of the same device is refused as busy, and allowed after close")
    func exclusive() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let first = try SerialPort(path: pty.slavePath)
        let error = #expect(throws: SerialError.self) { try SerialPort(path: pty.slavePath) }
        #expect(error == .busy(device: pty.slavePath))
        #expect(error?.description.contains("another process holds it") == true)
        #expect(error?.description.contains(pty.slavePath) == true)
        // The refused opener left the first one's TIOCEXCL in place.
        #expect(Self.isExclusive(first.fileDescriptor))
        first.close()
        first.close()   // idempotent
        let again = try SerialPort(path: pty.slavePath)
        #expect(again.isOpen)
    }

    @Test("an unsupported baud rate, data width or stop bits is refused before opening")
    func unsupportedSettings() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let error = #expect(throws: SerialError.self) { try SerialPort(path: pty.slavePath, settings: SerialSettings(baud: 250_000)) }
        guard case .unsupportedSettings(let device, let reason)? = error else {
            Issue.record("expected unsupportedSettings, got \(String(describing: error))")
            return
        }
        #expect(device == pty.slavePath)
        #expect(reason.contains("250000 baud") && reason.contains("921600"))
        #expect(throws: SerialError.self) { try SerialPort(path: pty.slavePath, settings: SerialSettings(dataBits: 5)) }
        #expect(throws: SerialError.self) { try SerialPort(path: pty.slavePath, settings: SerialSettings(stopBits: 3)) }
        // Nothing was left holding the device.
        #expect(try SerialPort(path: pty.slavePath).isOpen)
    }

    @Test("open errors name the device and say what is wrong")
    func openErrors() throws {
        #expect(throws: SerialError.notFound(device: "/dev/ttyNOPE9")) { try SerialPort(path: "/dev/ttyNOPE9") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("serial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: SerialError.notATerminal(device: file.path)) { try SerialPort(path: file.path) }
        #expect(SerialError.permissionDenied(device: "/dev/ttyUSB0").description.contains("dialout"))
    }

    @Test("the instrument going away is reported as a disconnect")
    func disconnect() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath)
        close(pty.master)
        let error = #expect(throws: SerialError.self) { try port.read(timeout: .seconds(1)) }
        guard case .disconnected(let device, _)? = error else {
            Issue.record("expected disconnected, got \(String(describing: error))")
            return
        }
        #expect(device == pty.slavePath)
    }

    @Test("settings come from a device profile's transport table")
    func settingsFromProfile() throws {
        let profile = try DeviceProfileLoader.load(text: Fixtures.profileText("ea-psb-10000.toml"), filename: "ea-psb-10000.toml")
        let settings = SerialSettings(profile.transport)
        #expect(settings == SerialSettings(baud: 115_200, parity: .none, dataBits: 8, stopBits: 1))
        #expect(settings.description == "115200-8N1")
        #expect(SerialSettings.supportedBaudRates.contains(230_400) && SerialSettings.supportedBaudRates.contains(460_800))
    }

    @Test("a device named by USB vendor, product and serial is found through discovery and opened")
    func openByUSBIdentity() throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        // The fake source says the pty is an EA device, so the whole path runs on a real tty.
        let ea = SerialDeviceInfo(devnode: pty.slavePath, usb: USBDeviceDetails(vendorID: 0x232e, productID: 0x0010, serial: "2718"))
        let other = SerialDeviceInfo(devnode: "/dev/ttyACM7", usb: USBDeviceDetails(vendorID: 0x232e, productID: 0x0010, serial: "9999"))
        let source = FakeDeviceSource(devices: [ea, other])

        let port = try SerialPort(.usb(vendorID: 0x232e, productID: 0x0010, serial: "2718"), source: source)
        #expect(port.path == pty.slavePath)

        let any = SerialPortAddress.usb(vendorID: 0x232e, productID: nil, serial: nil)
        let ambiguous = #expect(throws: SerialError.self) { try any.resolve(using: source) }
        #expect(ambiguous?.description.contains("matches 2 devices") == true)
        let missing = #expect(throws: SerialError.self) {
            try SerialPortAddress.usb(vendorID: 0x0403, productID: 0x6001, serial: nil).resolve(using: source)
        }
        #expect(missing?.description.contains("no serial device matches USB 0403:6001") == true)

        // A by-id link is preferred over the devnode when there is one.
        let linked = SerialDeviceInfo(devnode: "/dev/ttyACM0", links: ["/dev/serial/by-id/usb-EA_PSB_2718-if00"],
                                      usb: USBDeviceDetails(vendorID: 0x232e, productID: 0x0010, serial: "2718"))
        #expect(try SerialPortAddress.usb(vendorID: 0x232e, productID: nil, serial: "2718").resolve(in: [linked])
            == "/dev/serial/by-id/usb-EA_PSB_2718-if00")
    }

    @Test("the async port exchanges lines on its own thread without blocking the cooperative pool")
    func asyncPort() async throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let port = try await AsyncSerialPort(path: pty.slavePath)

        // Reads waiting out their timeouts on more ports than there are cooperative threads
        // must not hold up other tasks: they wait on the ports' own threads.
        let others = try (0..<ProcessInfo.processInfo.activeProcessorCount + 2).map { _ in try PseudoTerminal() }
        defer { for o in others { close(o.master) } }
        var ports: [AsyncSerialPort] = []
        for o in others { ports.append(try await AsyncSerialPort(path: o.slavePath)) }
        let start = ContinuousClock.now
        let waiting = Task { [ports] in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for p in ports { group.addTask { try await p.read(timeout: .seconds(1)).count } }
                return try await group.reduce(0, +)
            }
        }
        for _ in 0..<4 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(ContinuousClock.now - start < .milliseconds(700))
        #expect(try await waiting.value == 0)
        for p in ports { await p.close() }

        // Command out, reply lines back, in one uninterrupted exchange.
        try Master.write(pty.master, Array("e\nM0001\n".utf8))
        let lines = try await port.withPort { (p: SerialPort) throws(SerialError) in
            try p.write("t\n")
            return [try p.readLine(timeout: .seconds(1)), try p.readLine(timeout: .seconds(1))]
        }
        #expect(lines == [Array("e".utf8), Array("M0001".utf8)])
        #expect(try Master.read(pty.master, count: 2, timeout: .seconds(1)) == Array("t\n".utf8))

        await port.close()
        await #expect(throws: SerialError.closed(device: pty.slavePath)) { try await port.write([1]) }
        // Closed for real: the device can be opened again.
        #expect(try SerialPort(path: pty.slavePath).isOpen)
    }

    @Test("the async port reports open errors and holds the device exclusively")
    func asyncOpenErrors() async throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        await #expect(throws: SerialError.notFound(device: "/dev/ttyNOPE9")) { try await AsyncSerialPort(path: "/dev/ttyNOPE9") }
        let port = try await AsyncSerialPort(path: pty.slavePath)
        await #expect(throws: SerialError.busy(device: pty.slavePath)) { try await AsyncSerialPort(path: pty.slavePath) }
        await port.close()
    }
}

/// The instrument's side of the pty: plain blocking descriptor I/O with a poll timeout.
private enum Master {
    static func write(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + sent, $0.count - sent) }
            guard n > 0 else { throw MasterIOError(step: "write to master", code: errno) }
            sent += n
        }
    }

    /// Up to `count` bytes, stopping early when nothing arrives within `timeout`.
    static func read(_ fd: Int32, count: Int, timeout: Duration) throws -> [UInt8] {
        var out: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while out.count < count {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = max(0, Int32((deadline - ContinuousClock.now) / .milliseconds(1)))
            guard poll(&p, 1, ms) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: count - out.count)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw MasterIOError(step: "read from master", code: errno) }
            out += buffer.prefix(n)
        }
        return out
    }
}

/// A failed read or write on the pty's master side, with errno.
struct MasterIOError: Error, CustomStringConvertible {
    var step: String
    var code: Int32
    var description: String { "\(step): \(String(cString: strerror(code)))" }
}
