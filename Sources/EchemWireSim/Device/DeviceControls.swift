import EchemDrivers

/// What a client has told one simulated unit, in SI: its switches, set-points and regulation
/// mode, decoded from the register image through the profile's scaling after every write.
public struct DeviceControls: Sendable, Hashable {
    /// Regulation mode of a device that has one (an electronic load's CC/CV/CP/CR).
    public enum Mode: String, Sendable, Hashable {
        case cc, cv, cp, cr
    }

    public var remote = false
    public var output = false
    public var mode: Mode = .cc
    public var setVoltage = 0.0
    public var setCurrent = 0.0
    public var setSinkCurrent = 0.0
    /// nil: the profile has no such register, so nothing limits the power.
    public var setPower: Double?
    public var setSinkPower: Double?
    public var setResistance: Double?
    /// Protection thresholds (OVP/OCP/OPP) when the profile maps them: beyond one, the output trips off.
    public var ovp: Double?
    public var ocp: Double?
    public var opp: Double?
    /// Which protection tripped the output, until the output is switched on again.
    public var tripped: String?

    public init() {}

    /// The protection a reading violates, if any: what the instrument's own firmware enforces,
    /// whatever the client commands (so a crashed client leaves the cell inside it).
    func protectionTrip(volts: Double, amperes: Double) -> String? {
        if let ovp, volts > ovp { return "OVP: \(volts) V above \(ovp) V" }
        if let ocp, abs(amperes) > ocp { return "OCP: |\(amperes)| A above \(ocp) A" }
        if let opp, abs(volts * amperes) > opp { return "OPP: |\(volts * amperes)| W above \(opp) W" }
        return nil
    }

    /// Re-reads every set-point register.
    mutating func decodeSetpoints(from image: RegisterImage, _ map: DeviceMap) {
        setVoltage = map.value(.setVoltage, in: image) ?? 0
        setCurrent = map.value(.setCurrent, in: image) ?? 0
        setSinkCurrent = map.value(.setSinkCurrent, in: image) ?? 0
        setPower = map.value(.setPower, in: image)
        setSinkPower = map.value(.setSinkPower, in: image)
        setResistance = map.value(.setResistance, in: image)
        ovp = map.value(.ovp, in: image)
        ocp = map.value(.ocp, in: image)
        opp = map.value(.opp, in: image)
    }

    /// Acts on the control sequences a write request completed (see `completedSequences`), and on
    /// direct writes to a `remote`/`output` register no sequence describes.
    mutating func applyWrite(_ pdu: ModbusPDU, image: RegisterImage, _ map: DeviceMap) {
        decodeSetpoints(from: image, map)
        let completed = Self.completedSequences(by: pdu, image: image, map.profile)
        for name in completed {
            switch name {
            case .remoteOn: remote = true
            case .remoteOff: remote = false
            case .outputOn: output = true; tripped = nil
            case .outputOff: output = false
            case .modeCC: mode = .cc
            case .modeCV: mode = .cv
            case .modeCP: mode = .cp
            case .modeCR: mode = .cr
            }
        }
        // A switch register no sequence describes is taken at its word: non-zero is on.
        guard let span = pdu.write else { return }
        let switches: [(RegisterRole, ControlSequenceName, ControlSequenceName)] =
            [(.remote, .remoteOn, .remoteOff), (.output, .outputOn, .outputOff)]
        for (role, on, off) in switches where map.profile.control[on] == nil && map.profile.control[off] == nil {
            guard let spec = map.spec(role), spec.table == span.table, span.addresses.contains(spec.address) else { continue }
            let value = image.words(spec).contains { $0 != 0 }
            if role == .remote { remote = value } else { output = value }
        }
    }

    /// The sequences whose *last* write this request made: it wrote that register, and the
    /// register now holds the sequence's value. The simulator learns what "output on" or "mode CC"
    /// means from the profile, as the driver does, so a new instrument needs no simulator code.
    static func completedSequences(by pdu: ModbusPDU, image: RegisterImage, _ profile: DeviceProfile) -> [ControlSequenceName] {
        guard let span = pdu.write else { return [] }
        var names: [ControlSequenceName] = []
        for name in ControlSequenceName.allCases {
            guard let last = profile.control[name]?.last, let spec = profile.register(last.register),
                  spec.table == span.table, spec.addresses.allSatisfy(span.addresses.contains) else { continue }
            let words = image.words(spec)
            switch last.value {
            case .coil(let on): if ((words.first ?? 0) != 0) == on { names.append(name) }
            case .raw(let raw): if spec.encoding.decode(words) == Double(raw) { names.append(name) }
            }
        }
        return names
    }
}
