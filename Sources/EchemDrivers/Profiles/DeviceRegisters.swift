/// One device on a bus, addressed through its profile: registers by name in SI units, control
/// sequences by name. This is the layer a driver (and a test) talks to instead of raw addresses.
///
/// ```swift
/// var ea = DeviceRegisters(profile: profile, bus: bus, unit: 0)
/// try await ea.readNominals()                  // nominal_voltage … for the % scalings
/// try await ea.run(.remoteOn)
/// let written = try await ea.write("set_voltage", 4.2)   // returns 4.2 quantized to a count
/// let volts = try await ea.read("actual_voltage")
/// ```
public struct DeviceRegisters: Sendable {
    public let profile: DeviceProfile
    public let bus: ModbusBus
    public let unit: Int
    /// SI values of the registers other scalings refer to, by name.
    public private(set) var nominals: [String: Double]

    public init(profile: DeviceProfile, bus: ModbusBus, unit: Int, nominals: [String: Double] = [:]) {
        self.profile = profile
        self.bus = bus
        self.unit = unit
        self.nominals = nominals
    }

    /// Reads every register that another register's scaling needs (EA: nominal V, I, P).
    public mutating func readNominals() async throws(DeviceRegisterError) {
        for name in profile.nominalRegisterNames {
            nominals[name] = try await read(name)
        }
    }

    /// The register's converter with its scaling resolved against `nominals`.
    public func converter(_ name: String) throws(DeviceRegisterError) -> RegisterConverter {
        do {
            return try spec(name).converter(nominals: nominals)
        } catch let e as ScalingError {
            throw .scaling(name, e)
        } catch let e as DeviceRegisterError {
            throw e
        } catch {
            throw .unknownRegister(name)
        }
    }

    /// The raw words (bits as 0/1) of a register.
    public func readWords(_ name: String) async throws(DeviceRegisterError) -> [UInt16] {
        let reg = try spec(name)
        guard reg.access.canRead else { throw .notReadable(name) }
        do {
            switch reg.table {
            case .holding: return try await bus.readHoldingRegisters(unit: unit, address: reg.address, count: reg.encoding.words)
            case .input: return try await bus.readInputRegisters(unit: unit, address: reg.address, count: reg.encoding.words)
            case .coil: return try await bus.readCoils(unit: unit, address: reg.address, count: 1).map { $0 ? 1 : 0 }
            case .discrete: return try await bus.readDiscreteInputs(unit: unit, address: reg.address, count: 1).map { $0 ? 1 : 0 }
            }
        } catch {
            throw .modbus(name, error)
        }
    }

    /// The register's value in SI (a bit as 0 or 1).
    public func read(_ name: String) async throws(DeviceRegisterError) -> Double {
        let c = try converter(name)
        let words = try await readWords(name)
        do {
            return try c.si(from: words)
        } catch {
            throw .scaling(name, error)
        }
    }

    /// A string register's text (EA's device type, manufacturer, serial number).
    public func readText(_ name: String) async throws(DeviceRegisterError) -> String {
        let reg = try spec(name)
        return reg.encoding.decodeString(try await readWords(name))
    }

    /// The named bits of a status register, by name.
    public func readBits(_ name: String) async throws(DeviceRegisterError) -> [String: Bool] {
        let reg = try spec(name)
        let raw = UInt64(max(0, reg.encoding.decode(try await readWords(name))))
        var out: [String: Bool] = [:]
        for b in reg.bits { out[b.name] = raw >> UInt64(b.value) & 1 == 1 }
        return out
    }

    /// Writes `si` and returns what the device now holds (quantized to one count).
    @discardableResult
    public func write(_ name: String, _ si: Double) async throws(DeviceRegisterError) -> Double {
        let reg = try spec(name)
        guard reg.access.canWrite, reg.table.isWritable else { throw .notWritable(name) }
        if reg.table == .coil {
            try await writeCoil(reg, si != 0)
            return si != 0 ? 1 : 0
        }
        let c = try converter(name)
        do {
            let words = try c.words(for: si)
            try await writeWords(reg, words)
            return try c.quantized(si)
        } catch let e as ScalingError {
            throw .scaling(name, e)
        } catch let e as DeviceRegisterError {
            throw e
        } catch {
            throw .unknownRegister(name)
        }
    }

    /// Runs a control sequence's writes in order; stops at the first failure.
    public func run(_ sequence: ControlSequenceName) async throws(DeviceRegisterError) {
        guard let writes = profile.control[sequence] else { throw .noSequence(sequence) }
        for w in writes {
            let reg = try spec(w.register)
            switch w.value {
            case .coil(let on):
                try await writeCoil(reg, on)
            case .raw(let raw):
                guard let words = reg.encoding.encode(Double(raw)) else { throw .scaling(w.register, .notNumeric(register: w.register)) }
                try await writeWords(reg, words)
            }
        }
    }

    public func hasSequence(_ sequence: ControlSequenceName) -> Bool { profile.control[sequence] != nil }

    // MARK: plumbing

    private func spec(_ name: String) throws(DeviceRegisterError) -> RegisterSpec {
        guard let reg = profile.register(name) else { throw .unknownRegister(name) }
        return reg
    }

    private func writeCoil(_ reg: RegisterSpec, _ on: Bool) async throws(DeviceRegisterError) {
        do {
            try await bus.writeCoil(unit: unit, address: reg.address, value: on)
        } catch {
            throw .modbus(reg.name, error)
        }
    }

    /// FC06 for a one-word register when the profile says `register_writes = "single"`, else FC16.
    private func writeWords(_ reg: RegisterSpec, _ words: [UInt16]) async throws(DeviceRegisterError) {
        do {
            if words.count == 1 && profile.transport.registerWrites == .single {
                try await bus.writeRegister(unit: unit, address: reg.address, value: words[0])
            } else {
                try await bus.writeRegisters(unit: unit, address: reg.address, values: words)
            }
        } catch {
            throw .modbus(reg.name, error)
        }
    }
}

public enum DeviceRegisterError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownRegister(String)
    case notReadable(String)
    case notWritable(String)
    case noSequence(ControlSequenceName)
    case scaling(String, ScalingError)
    case modbus(String, ModbusError)

    public var description: String {
        switch self {
        case .unknownRegister(let n): "the profile has no register named '\(n)'"
        case .notReadable(let n): "'\(n)' is write-only"
        case .notWritable(let n): "'\(n)' is read-only"
        case .noSequence(let s): "the profile has no '\(s.rawValue)' sequence"
        case .scaling(let n, let e): "\(n): \(e)"
        case .modbus(let n, let e): "\(n): \(e)"
        }
    }

    /// The Modbus failure underneath, if any.
    public var modbusError: ModbusError? {
        if case .modbus(_, let e) = self { return e }
        return nil
    }
}
