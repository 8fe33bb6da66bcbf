/// One instrument family described as data (`drivers/*.toml`): identity, transport defaults,
/// register map, control sequences and limits. A new Modbus instrument needs a profile, not code.
public struct DeviceProfile: Sendable, Hashable {
    /// The file it was loaded from, for messages.
    public var source: String
    public var device: DeviceIdentity
    public var transport: TransportDefaults
    /// In file order.
    public var registers: [RegisterSpec]
    public var control: [ControlSequenceName: [ControlWrite]]
    public var limits: DeviceLimits

    public init(source: String, device: DeviceIdentity, transport: TransportDefaults, registers: [RegisterSpec],
                control: [ControlSequenceName: [ControlWrite]], limits: DeviceLimits) {
        self.source = source
        self.device = device
        self.transport = transport
        self.registers = registers
        self.control = control
        self.limits = limits
    }

    public func register(_ name: String) -> RegisterSpec? { registers.first { $0.name == name } }
    public func register(_ role: RegisterRole) -> RegisterSpec? { register(role.rawValue) }

    /// Registers whose values other registers' scalings need (EA: nominal_voltage, …), to read
    /// once after connecting.
    public var nominalRegisterNames: [String] {
        var names: [String] = []
        for r in registers {
            if let n = r.scaling.nominalRegister, !names.contains(n) { names.append(n) }
        }
        return names
    }
}

public enum DeviceKind: String, Sendable, Hashable, CaseIterable {
    /// Bidirectional: sources current into the cell and sinks it back (EA PSB).
    case sourceSink = "source_sink"
    /// Discharge only: an electronic load (Maynuo M97).
    case load
    /// Charge only: a power supply.
    case source

    public var canSource: Bool { self != .load }
    public var canSink: Bool { self != .source }
}

public struct DeviceIdentity: Sendable, Hashable {
    public var family: String
    public var manufacturer: String
    public var models: [String]
    public var kind: DeviceKind
    /// USB ids of the device's own USB port, for discovery; empty when it connects through a
    /// generic adapter whose ids say nothing about the instrument.
    public var usb: [USBIdentifier]

    public init(family: String, manufacturer: String, models: [String], kind: DeviceKind, usb: [USBIdentifier]) {
        self.family = family
        self.manufacturer = manufacturer
        self.models = models
        self.kind = kind
        self.usb = usb
    }
}

public struct USBIdentifier: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    /// nil: any product of the vendor (the driver then confirms the model over Modbus).
    public var productID: UInt16?

    public init(vendorID: UInt16, productID: UInt16?) {
        self.vendorID = vendorID
        self.productID = productID
    }

    public func matches(vendorID v: UInt16, productID p: UInt16) -> Bool {
        v == vendorID && (productID == nil || productID == p)
    }

    /// `232e:0010`, or `232e:*`
    public var description: String {
        func hex(_ x: UInt16) -> String {
            let s = String(x, radix: 16)
            return String(repeating: "0", count: 4 - s.count) + s
        }
        return "\(hex(vendorID)):\(productID.map(hex) ?? "*")"
    }
}

/// The family's envelope: no model of it goes beyond these. A channel's hard limits must sit
/// inside them, and the device's own ratings (nominal registers) narrow them further.
public struct DeviceLimits: Sendable, Hashable {
    public var maxVoltage: Double
    public var maxCurrent: Double
    public var maxPower: Double?
    public var canSink: Bool

    public init(maxVoltage: Double, maxCurrent: Double, maxPower: Double?, canSink: Bool) {
        self.maxVoltage = maxVoltage
        self.maxCurrent = maxCurrent
        self.maxPower = maxPower
        self.canSink = canSink
    }
}
