#if canImport(Glibc)
import Glibc
#endif

/// Line settings for a serial port: baud rate and character framing, the same value a Modbus RTU
/// bus and a device profile's `[transport]` table carry. The default is 115200-8N1. Flow control
/// is always off (instruments on USB virtual COM ports and RS-485 adapters do not use it, and
/// XON/XOFF would eat 0x11/0x13 bytes of binary protocols such as Modbus RTU).
public typealias SerialSettings = SerialFraming

extension SerialFraming {
    /// The framing a device profile's `[transport]` table gives.
    public init(_ transport: TransportDefaults) { self = transport.framing }

    /// The rates a port accepts. Only the standard termios rates are offered: a USB adapter asked
    /// for anything else silently picks the nearest divisor, which gives framing errors that are
    /// much harder to diagnose than a refusal at open.
    public static let supportedBaudRates: [Int] = baudConstants.map(\.rate)

    private static let baudConstants: [(rate: Int, speed: Int32)] = [
        (300, B300), (600, B600), (1200, B1200), (2400, B2400), (4800, B4800), (9600, B9600),
        (19_200, B19200), (38_400, B38400), (57_600, B57600), (115_200, B115200),
        (230_400, B230400), (460_800, B460800), (921_600, B921600),
    ]

    /// The termios speed constant, or why these settings cannot be applied.
    func checked(device: String) throws(SerialError) -> speed_t {
        guard let speed = Self.baudConstants.first(where: { $0.rate == baud })?.speed else {
            let rates = Self.supportedBaudRates.map(String.init).joined(separator: ", ")
            throw .unsupportedSettings(device: device, reason: "\(baud) baud is not a supported rate (use one of \(rates))")
        }
        guard dataBits == 7 || dataBits == 8 else {
            throw .unsupportedSettings(device: device, reason: "\(dataBits) data bits (use 7 or 8)")
        }
        guard stopBits == 1 || stopBits == 2 else {
            throw .unsupportedSettings(device: device, reason: "\(stopBits) stop bits (use 1 or 2)")
        }
        return speed_t(speed)
    }
}
