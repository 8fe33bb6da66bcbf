#if canImport(Glibc)
import Glibc
#endif

/// One open serial device in raw mode, with blocking calls bounded by timeouts.
///
/// The port is opened `O_RDWR | O_NOCTTY | O_CLOEXEC` (it never becomes the daemon's controlling
/// terminal and is not inherited by child processes) and held exclusively: `flock` stops a
/// second opener, root included, and `TIOCEXCL` stops other programs that do not use flock.
/// The termios settings are `SerialTermios`'s raw mode with the requested framing.
///
/// Its calls block the calling thread, so it is not `Sendable`: use it on one thread, or through
/// `AsyncSerialPort`, which owns one on a dedicated thread. Never call it from Swift's
/// cooperative pool.
public final class SerialPort {
    /// The path it was opened with (a by-id link, a devnode, a pty), for messages.
    public let path: String
    public let settings: SerialSettings
    /// The open descriptor, or -1 after `close()`. For `poll()` integration and inspection.
    public private(set) var fileDescriptor: Int32
    /// Bytes received but not yet returned: what followed a line terminator.
    private var pending: [UInt8] = []
    /// Whether this port set TIOCEXCL. A failed second opener must not clear the first one's.
    private var holdsExclusive = false

    /// Opens `path` with `settings`. Settings are checked before the device is touched.
    public init(path: String, settings: SerialSettings = SerialSettings()) throws(SerialError) {
        precondition(!path.isEmpty, "a serial port needs a path")
        let speed = try settings.checked(device: path)
        // O_NONBLOCK: open must not wait for carrier, and reads and writes wait in poll() instead.
        let fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .opening(path, code: errno) }
        self.path = path
        self.settings = settings
        self.fileDescriptor = fd
        do {
            try Self.claimExclusively(fileDescriptor: fd, device: path)
            holdsExclusive = true
            try configure(speed: speed)
        } catch {
            close()
            throw error
        }
    }

    /// Opens the device `address` names, resolved against `source`'s devices.
    public convenience init(_ address: SerialPortAddress, settings: SerialSettings = SerialSettings(),
                            source: any DeviceSource) throws(SerialError) {
        try self.init(path: address.resolve(using: source), settings: settings)
    }

    deinit { close() }

    // MARK: reading

    /// Waits up to `timeout` for data and returns what is there, 1 … `max` bytes; `[]` if
    /// nothing arrived in time.
    public func read(max: Int = 4096, timeout: Duration) throws(SerialError) -> [UInt8] {
        precondition(max > 0, "read(max:) needs room for at least one byte")
        if !pending.isEmpty {
            let n = min(max, pending.count)
            defer { pending.removeFirst(n) }
            return Array(pending.prefix(n))
        }
        return try receive(max: max, until: .now.advanced(by: timeout))
    }

    /// The next line, without its terminator (`\n` by default; any byte sequence works, e.g.
    /// `\r\n`). Bytes after the terminator are kept for the next call. On timeout the partial
    /// line stays buffered and `.timedOut` is thrown; past `maxLength` bytes without a
    /// terminator the buffer is dropped (to resynchronise) and `.lineTooLong` is thrown.
    public func readLine(terminator: [UInt8] = [0x0A], timeout: Duration, maxLength: Int = 65_536) throws(SerialError) -> [UInt8] {
        precondition(!terminator.isEmpty, "a line terminator needs at least one byte")
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var searchFrom = 0
        while true {
            if let range = pending[searchFrom...].firstRange(of: terminator) {
                let line = Array(pending[..<range.lowerBound])
                pending.removeFirst(range.upperBound)
                return line
            }
            // The terminator may straddle the next chunk.
            searchFrom = max(0, pending.count - terminator.count + 1)
            if pending.count > maxLength {
                pending.removeAll()
                throw .lineTooLong(device: path, limit: maxLength)
            }
            let chunk = try receive(max: 4096, until: deadline)
            if chunk.isEmpty { throw .timedOut(device: path, operation: "readLine", after: timeout) }
            pending += chunk
        }
    }

    /// One `read()` after waiting for readability; `[]` at the deadline.
    private func receive(max: Int, until deadline: ContinuousClock.Instant) throws(SerialError) -> [UInt8] {
        let fd = try openDescriptor()
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            switch SerialPoll.wait(fd, for: Int16(POLLIN), until: deadline) {
            case .timedOut: return []
            case .hangUp: throw .disconnected(device: path, reason: "hang-up")
            case .invalid: throw .closed(device: path)
            case .failed(let code): throw .system(device: path, call: "poll", code: code)
            case .ready: break
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return Array(buffer.prefix(n)) }
            // Readable but nothing read: end of file, which a tty only reports once it is gone.
            if n == 0 { throw .disconnected(device: path, reason: "end of file") }
            let code = errno
            if code == EINTR || code == EAGAIN { continue }
            throw .io(path, call: "read", code: code)
        }
    }

    // MARK: writing

    /// Writes every byte (retrying partial writes, EINTR and EAGAIN), or throws `.timedOut` if
    /// the line does not take them within `timeout`. Returns when the kernel has them; `drain()`
    /// waits until they are on the wire.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws(SerialError) {
        let fd = try openDescriptor()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + sent, $0.count - sent) }
            if n > 0 { sent += n; continue }
            let code = n < 0 ? errno : EAGAIN
            if code == EINTR { continue }
            guard code == EAGAIN else { throw .io(path, call: "write", code: code) }
            switch SerialPoll.wait(fd, for: Int16(POLLOUT), until: deadline) {
            case .ready: continue
            case .timedOut:
                throw .timedOut(device: path, operation: "write (\(sent) of \(bytes.count) bytes sent)", after: timeout)
            case .hangUp: throw .disconnected(device: path, reason: "hang-up")
            case .invalid: throw .closed(device: path)
            case .failed(let code): throw .system(device: path, call: "poll", code: code)
            }
        }
    }

    /// Text as UTF-8, e.g. a MethodSCRIPT line with its `\n`.
    public func write(_ text: String, timeout: Duration = .seconds(5)) throws(SerialError) {
        try write(Array(text.utf8), timeout: timeout)
    }

    // MARK: line control

    /// Blocks until everything written has left the UART (`tcdrain`).
    public func drain() throws(SerialError) {
        let fd = try openDescriptor()
        while tcdrain(fd) != 0 {
            if errno != EINTR { throw .io(path, call: "tcdrain", code: errno) }
        }
    }

    /// Discards received-but-unread input and/or written-but-unsent output (`tcflush`), e.g. the
    /// tail of a late reply before a retry.
    public func flush(input: Bool = true, output: Bool = true) throws(SerialError) {
        let fd = try openDescriptor()
        if input { pending.removeAll() }
        let queue: Int32 = input && output ? TCIOFLUSH : input ? TCIFLUSH : output ? TCOFLUSH : -1
        guard queue >= 0 else { return }
        if tcflush(fd, queue) != 0 { throw .io(path, call: "tcflush", code: errno) }
    }

    /// Releases the exclusive hold and closes the device. Idempotent.
    public func close() {
        guard fileDescriptor >= 0 else { return }
        // TIOCEXCL lives on the tty, not on our descriptor: clear it so the next opener (another
        // daemon after this one exits) is not refused. The flock goes with the descriptor.
        if holdsExclusive { _ = ioctl(fileDescriptor, UInt(TIOCNXCL)) }
        holdsExclusive = false
        _ = Glibc.close(fileDescriptor)
        fileDescriptor = -1
        pending.removeAll()
    }

    public var isOpen: Bool { fileDescriptor >= 0 }

    // MARK: opening

    private func openDescriptor() throws(SerialError) -> Int32 {
        guard fileDescriptor >= 0 else { throw .closed(device: path) }
        return fileDescriptor
    }

    /// Makes an open tty descriptor exclusive, as every `SerialPort` is: `flock` first (advisory,
    /// but it binds root too, and a second opener in this process), then `TIOCEXCL` (the kernel
    /// refuses other programs' opens with EBUSY, except root's). For ports opened by other code,
    /// e.g. libmodbus's RTU descriptor from `modbus_get_socket` right after `modbus_connect`.
    /// Undo `TIOCEXCL` with `ioctl(fd, TIOCNXCL)` before closing.
    public static func claimExclusively(fileDescriptor fd: Int32, device: String) throws(SerialError) {
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            throw code == EWOULDBLOCK ? .busy(device: device) : .system(device: device, call: "flock", code: code)
        }
        if ioctl(fd, UInt(TIOCEXCL)) != 0 {
            let code = errno
            throw code == ENOTTY ? .notATerminal(device: device) : .system(device: device, call: "ioctl(TIOCEXCL)", code: code)
        }
    }

    private func configure(speed: speed_t) throws(SerialError) {
        var t = termios()
        guard tcgetattr(fileDescriptor, &t) == 0 else {
            let code = errno
            throw code == ENOTTY ? .notATerminal(device: path) : .io(path, call: "tcgetattr", code: code)
        }
        SerialTermios.configure(&t, settings: settings, speed: speed)
        guard tcsetattr(fileDescriptor, TCSANOW, &t) == 0 else { throw .io(path, call: "tcsetattr", code: errno) }
        var applied = termios()
        guard tcgetattr(fileDescriptor, &applied) == 0 else { throw .io(path, call: "tcgetattr", code: errno) }
        if let what = SerialTermios.mismatch(asked: t, got: applied) {
            throw .settingsRejected(device: path, reason: "\(what) not applied for \(settings)")
        }
        // Whatever arrived before the line was configured is garbage at the wrong framing.
        _ = tcflush(fileDescriptor, TCIOFLUSH)
    }
}
