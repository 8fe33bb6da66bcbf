/// A `SerialPort` for async code: the port lives on its own thread (`BlockingOwnerThread`) and
/// every call runs there in order, so a read blocked for its timeout never holds a cooperative
/// thread. One instance per device; share it between tasks freely.
///
/// ```swift
/// let port = try await AsyncSerialPort(path: "/dev/serial/by-id/usb-PalmSens_EmStat4_…-if00",
///                                      settings: SerialSettings(baud: 230_400))
/// try await port.write(Array("t\n".utf8))
/// let line = try await port.readLine(timeout: .seconds(1))
/// ```
///
/// A call is not cancelled by cancelling its task: it is bounded by its timeout instead, and
/// bytes already written cannot be taken back anyway.
public final class AsyncSerialPort: Sendable {
    /// The requested device, for messages.
    public let device: String
    public let settings: SerialSettings
    private let owner: BlockingOwnerThread<Slot>

    /// The port, touched only on the owner thread.
    private final class Slot {
        var port: SerialPort?
    }

    /// Opens `path` on a new owner thread; throws (and ends the thread) if it cannot be opened.
    public convenience init(path: String, settings: SerialSettings = SerialSettings()) async throws(SerialError) {
        try await self.init(device: path, settings: settings) { () throws(SerialError) in
            try SerialPort(path: path, settings: settings)
        }
    }

    /// Opens the device `address` names, resolved through `source` (on the owner thread, since a
    /// udev enumeration reads sysfs).
    public convenience init(_ address: SerialPortAddress, settings: SerialSettings = SerialSettings(),
                            source: any DeviceSource) async throws(SerialError) {
        try await self.init(device: address.description, settings: settings) { () throws(SerialError) in
            try SerialPort(address, settings: settings, source: source)
        }
    }

    private init(device: String, settings: SerialSettings,
                 open: @escaping @Sendable () throws(SerialError) -> SerialPort) async throws(SerialError) {
        self.device = device
        self.settings = settings
        owner = BlockingOwnerThread(name: "serial \(device.split(separator: "/").last ?? "")",
                                    make: { Slot() }, finish: { $0.port?.close() })
        do {
            try await owner.perform(cancelled: SerialError.closed(device: device)) { (slot: Slot) throws(SerialError) in
                slot.port = try open()
            }
        } catch {
            owner.stop()
            throw error
        }
    }

    deinit { owner.stop() }

    /// See `SerialPort.read(max:timeout:)`: `[]` if nothing arrived in time.
    public func read(max: Int = 4096, timeout: Duration) async throws(SerialError) -> [UInt8] {
        try await withPort { (p: SerialPort) throws(SerialError) in try p.read(max: max, timeout: timeout) }
    }

    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) async throws(SerialError) {
        try await withPort { (p: SerialPort) throws(SerialError) in try p.write(bytes, timeout: timeout) }
    }

    /// See `SerialPort.readLine(terminator:timeout:maxLength:)`.
    public func readLine(terminator: [UInt8] = [0x0A], timeout: Duration, maxLength: Int = 65_536) async throws(SerialError) -> [UInt8] {
        try await withPort { (p: SerialPort) throws(SerialError) in
            try p.readLine(terminator: terminator, timeout: timeout, maxLength: maxLength)
        }
    }

    public func drain() async throws(SerialError) {
        try await withPort { (p: SerialPort) throws(SerialError) in try p.drain() }
    }

    public func flush(input: Bool = true, output: Bool = true) async throws(SerialError) {
        try await withPort { (p: SerialPort) throws(SerialError) in try p.flush(input: input, output: output) }
    }

    /// Runs `body` with the port on its owner thread, with no other call in between: for
    /// exchanges that must not interleave with other tasks' (write a command, read its reply
    /// lines). `body` blocks that thread only.
    public func withPort<T: Sendable>(_ body: @escaping @Sendable (SerialPort) throws(SerialError) -> T) async throws(SerialError) -> T {
        let device = device
        return try await owner.perform(cancelled: SerialError.closed(device: device)) { (slot: Slot) throws(SerialError) -> T in
            guard let port = slot.port, port.isOpen else { throw .closed(device: device) }
            return try body(port)
        }
    }

    /// Fails queued calls with `.closed`, lets a running one finish (within its timeout), closes
    /// the device and ends the thread; returns when that is done.
    public func close() async {
        owner.stop()
        await owner.finished()
    }
}
