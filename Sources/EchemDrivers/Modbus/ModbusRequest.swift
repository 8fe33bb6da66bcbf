/// The Modbus functions the bus issues.
public enum ModbusFunction: UInt8, Sendable, Hashable, CustomStringConvertible {
    case readCoils = 0x01
    case readDiscreteInputs = 0x02
    case readHoldingRegisters = 0x03
    case readInputRegisters = 0x04
    case writeSingleCoil = 0x05
    case writeSingleRegister = 0x06
    case writeMultipleRegisters = 0x10

    public var description: String {
        switch self {
        case .readCoils: "read coils"
        case .readDiscreteInputs: "read discrete inputs"
        case .readHoldingRegisters: "read holding registers"
        case .readInputRegisters: "read input registers"
        case .writeSingleCoil: "write single coil"
        case .writeSingleRegister: "write single register"
        case .writeMultipleRegisters: "write multiple registers"
        }
    }

    public var isRead: Bool { rawValue <= 0x04 }
    /// Addresses bits (coils, discrete inputs) rather than 16-bit registers.
    public var addressesBits: Bool { self == .readCoils || self == .readDiscreteInputs || self == .writeSingleCoil }

    /// Largest count one request may carry (Modbus application protocol, §6: 2000 bits, 125
    /// registers read, 123 written).
    var maxCount: Int {
        switch self {
        case .readCoils, .readDiscreteInputs: 2000
        case .readHoldingRegisters, .readInputRegisters: 125
        case .writeMultipleRegisters: 123
        case .writeSingleCoil, .writeSingleRegister: 1
        }
    }
}

/// What a transaction was about, for errors and events: "unit 1: read holding registers 0x0258 (600) ×2".
public struct ModbusRequestSummary: Sendable, Hashable, CustomStringConvertible {
    public var unit: Int
    public var function: ModbusFunction
    public var address: Int
    public var count: Int

    public init(unit: Int, function: ModbusFunction, address: Int, count: Int) {
        self.unit = unit
        self.function = function
        self.address = address
        self.count = count
    }

    public var description: String {
        "unit \(unit): \(function) \(Self.hex(address)) (\(address))\(count > 1 ? " ×\(count)" : "")"
    }

    /// `0x01F4`
    static func hex(_ address: Int) -> String {
        let h = String(address, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// "register 0x01F4", "registers 0x01F4…0x01F6", "coil 0x0510".
    var target: String {
        let noun = function.addressesBits ? (function == .readDiscreteInputs ? "discrete input" : "coil") : "register"
        return count > 1 ? "\(noun)s \(Self.hex(address))…\(Self.hex(address + count - 1))" : "\(noun) \(Self.hex(address))"
    }
}

/// One transaction as queued on the owner thread.
struct ModbusRequest: Sendable {
    var summary: ModbusRequestSummary
    /// Values for `writeSingleRegister` (one) and `writeMultipleRegisters`.
    var registers: [UInt16] = []
    /// Value for `writeSingleCoil`.
    var coil: Bool = false

    var unit: Int { summary.unit }
    var function: ModbusFunction { summary.function }
    var address: Int { summary.address }
    var count: Int { summary.count }

    /// Unit 0 is the broadcast address: every device acts on a write and none replies.
    var isBroadcast: Bool { summary.unit == 0 }
}

/// What a successful transaction returned.
enum ModbusResponse: Sendable {
    case registers([UInt16])
    case bits([Bool])
    case written
}
