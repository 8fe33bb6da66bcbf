/// Where a Modbus bus is: a serial line (RTU) or a TCP peer. One endpoint is one bus, shared by
/// every device on it through their unit ids.
public enum ModbusEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Modbus RTU over a serial device (`/dev/ttyACM0`, a `/dev/serial/by-id/…` link, a pty).
    case rtu(path: String, framing: SerialFraming)
    /// Modbus TCP (port 502 on real devices).
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case .rtu(let path, let f): "rtu:\(path)@\(f)"
        case .tcp(let host, let port): "tcp:\(host):\(port)"
        }
    }

    var isRTU: Bool {
        if case .rtu = self { return true }
        return false
    }
}

/// Serial framing of an RTU bus. Modbus RTU is nearly always 8 data bits; parity and stop bits
/// vary by device (the spec's default is even parity, many instruments ship with none).
public struct SerialFraming: Sendable, Hashable, CustomStringConvertible {
    public enum Parity: String, Sendable, Hashable, CaseIterable {
        case none, even, odd

        /// The character libmodbus takes in `modbus_new_rtu`.
        var libmodbusCode: CChar {
            switch self {
            case .none: CChar(UInt8(ascii: "N"))
            case .even: CChar(UInt8(ascii: "E"))
            case .odd: CChar(UInt8(ascii: "O"))
            }
        }

        var letter: String {
            switch self {
            case .none: "N"
            case .even: "E"
            case .odd: "O"
            }
        }
    }

    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int

    public init(baud: Int = 115_200, parity: Parity = .none, dataBits: Int = 8, stopBits: Int = 1) {
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
    }

    /// `115200-8N1`
    public var description: String { "\(baud)-\(dataBits)\(parity.letter)\(stopBits)" }

    /// Bits on the wire per byte: start bit, data, parity, stop bits.
    public var bitsPerCharacter: Int { 1 + dataBits + (parity == .none ? 0 : 1) + stopBits }
}
