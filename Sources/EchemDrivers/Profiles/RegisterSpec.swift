/// Which Modbus data table a register lives in; each has its own address space and functions.
public enum RegisterTable: String, Sendable, Hashable, CaseIterable {
    /// 16-bit read/write registers: FC03 read, FC06/FC16 write.
    case holding
    /// 16-bit read-only registers: FC04.
    case input
    /// Single read/write bits: FC01 read, FC05 write (0xFF00 on, 0x0000 off).
    case coil
    /// Single read-only bits: FC02.
    case discrete

    public var holdsBits: Bool { self == .coil || self == .discrete }
    public var isWritable: Bool { self == .holding || self == .coil }
}

public enum RegisterAccess: String, Sendable, Hashable, CaseIterable {
    case r, rw, w
    public var canRead: Bool { self != .w }
    public var canWrite: Bool { self != .r }
}

/// One register of a device profile, as loaded.
public struct RegisterSpec: Sendable, Hashable {
    public var name: String
    /// The driver's meaning, or nil for an `extra` register.
    public var role: RegisterRole?
    public var address: Int
    public var table: RegisterTable
    public var encoding: RegisterEncoding
    public var access: RegisterAccess
    public var scaling: RegisterScaling
    /// Raw numbers the device accepts, when narrower than the type's (EA: 0 … 0xD0E5 = 102 %).
    public var rawMin: Double?
    public var rawMax: Double?
    /// SI unit symbol ("V", "A", "W", "ohm"; empty for plain numbers).
    public var unit: String
    /// Named raw values (Maynuo `CMD`: cc = 1, input_on = 42, …), in file order.
    public var values: [NamedValue]
    /// Named bits of a status word (EA device state: remote = 11), in file order.
    public var bits: [NamedValue]
    /// False when the address comes from a source we could not confirm, so a driver can warn
    /// before writing it on real hardware.
    public var verified: Bool
    public var description: String?

    public struct NamedValue: Sendable, Hashable {
        public var name: String
        public var value: Int
        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }

    public init(name: String, role: RegisterRole?, address: Int, table: RegisterTable, encoding: RegisterEncoding,
                access: RegisterAccess, scaling: RegisterScaling = .identity, rawMin: Double? = nil, rawMax: Double? = nil,
                unit: String = "", values: [NamedValue] = [], bits: [NamedValue] = [], verified: Bool = true,
                description: String? = nil) {
        self.name = name
        self.role = role
        self.address = address
        self.table = table
        self.encoding = encoding
        self.access = access
        self.scaling = scaling
        self.rawMin = rawMin
        self.rawMax = rawMax
        self.unit = unit
        self.values = values
        self.bits = bits
        self.verified = verified
        self.description = description
    }

    /// Addresses taken: `address ..< address + words`.
    public var addresses: Range<Int> { address..<(address + encoding.words) }

    /// The raw range writes are checked against.
    public var rawRange: ClosedRange<Double> {
        let t = encoding.type.rawRange
        return (rawMin ?? t.lowerBound)...(rawMax ?? t.upperBound)
    }

    public func value(named name: String) -> Int? { values.first { $0.name == name }?.value }
    public func bit(named name: String) -> Int? { bits.first { $0.name == name }?.value }

    /// The register's converter, with a nominal-relative scaling resolved from `nominals`
    /// (SI values by register name, e.g. `["nominal_voltage": 80]`).
    public func converter(nominals: [String: Double] = [:]) throws(ScalingError) -> RegisterConverter {
        RegisterConverter(name: name, encoding: encoding, scaling: try scaling.resolved(nominals: nominals),
                          rawRange: rawRange, unit: unit)
    }
}
