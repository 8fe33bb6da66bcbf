import EchemDrivers

/// The profile's registers as one simulated unit uses them, every scaling resolved against the
/// unit's own nominal values as published in its registers, so the simulator and a client that
/// reads those registers compute the same scale to the last bit.
struct DeviceMap: Sendable {
    let profile: DeviceProfile
    /// Converters of the numeric registers, by name.
    let converters: [String: RegisterConverter]

    init(profile: DeviceProfile, nominals: [String: Double]) throws(SimulatorError) {
        self.profile = profile
        var converters: [String: RegisterConverter] = [:]
        for r in profile.registers where r.encoding.type.isNumeric {
            do {
                converters[r.name] = try r.converter(nominals: nominals)
            } catch {
                throw SimulatorError("\(profile.source): \(r.name): \(error)")
            }
        }
        self.converters = converters
    }

    func spec(_ role: RegisterRole) -> RegisterSpec? { profile.register(role) }
    func converter(_ role: RegisterRole) -> RegisterConverter? { converters[role.rawValue] }
    func has(_ role: RegisterRole) -> Bool { profile.register(role) != nil }

    /// Registers that share at least one address with `span`.
    func registers(overlapping span: ModbusPDU.Span) -> [RegisterSpec] {
        profile.registers.filter { $0.table == span.table && $0.addresses.overlaps(span.addresses) }
    }

    /// The SI value a register holds in `image` (nil for strings and absent registers).
    func value(_ role: RegisterRole, in image: RegisterImage) -> Double? {
        guard let spec = spec(role), let c = converter(role) else { return nil }
        return try? c.si(from: image.words(spec))
    }

    /// Writes a measured value, quantized to one count and pegged at the register's range.
    func publish(_ role: RegisterRole, _ si: Double, in image: RegisterImage) {
        guard let spec = spec(role) else { return }
        if let c = converter(role) { image.setWords(spec, c.measuredWords(si)) }
        else if spec.table.holdsBits { image.setWords(spec, [si != 0 ? 1 : 0]) }
    }
}
