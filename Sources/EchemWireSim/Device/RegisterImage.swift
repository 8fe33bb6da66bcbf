import CModbus
import EchemDrivers

/// One unit's register tables as libmodbus holds them (`modbus_mapping_t`), so `modbus_reply`
/// answers reads and applies writes exactly as a libmodbus device would. Each table spans the
/// lowest to the highest address the profile uses; an address outside it gets libmodbus's own
/// "illegal data address" exception, as on the instrument.
///
/// Not thread-safe: its device's lock guards every access.
final class RegisterImage {
    let mapping: UnsafeMutablePointer<modbus_mapping_t>

    init(profile: DeviceProfile) throws(SimulatorError) {
        func span(_ table: RegisterTable) -> (start: UInt32, count: UInt32) {
            let regs = profile.registers.filter { $0.table == table }
            guard let lo = regs.map(\.addresses.lowerBound).min(),
                  let hi = regs.map(\.addresses.upperBound).max() else { return (0, 0) }
            return (UInt32(lo), UInt32(hi - lo))
        }
        let c = span(.coil), d = span(.discrete), h = span(.holding), i = span(.input)
        guard let m = modbus_mapping_new_start_address(c.start, c.count, d.start, d.count,
                                                       h.start, h.count, i.start, i.count) else {
            throw SimulatorError("cannot allocate the register map of \(profile.device.family)")
        }
        mapping = m
    }

    deinit { modbus_mapping_free(mapping) }

    /// The register's words (a bit as 0 or 1).
    func words(_ spec: RegisterSpec) -> [UInt16] {
        let m = mapping.pointee
        switch spec.table {
        case .holding:
            return (0..<spec.encoding.words).map { m.tab_registers[spec.address - Int(m.start_registers) + $0] }
        case .input:
            return (0..<spec.encoding.words).map { m.tab_input_registers[spec.address - Int(m.start_input_registers) + $0] }
        case .coil:
            return [m.tab_bits[spec.address - Int(m.start_bits)] != 0 ? 1 : 0]
        case .discrete:
            return [m.tab_input_bits[spec.address - Int(m.start_input_bits)] != 0 ? 1 : 0]
        }
    }

    func setWords(_ spec: RegisterSpec, _ words: [UInt16]) {
        let m = mapping.pointee
        for (k, w) in words.prefix(spec.encoding.words).enumerated() {
            switch spec.table {
            case .holding: m.tab_registers[spec.address - Int(m.start_registers) + k] = w
            case .input: m.tab_input_registers[spec.address - Int(m.start_input_registers) + k] = w
            case .coil: m.tab_bits[spec.address - Int(m.start_bits)] = w != 0 ? 1 : 0
            case .discrete: m.tab_input_bits[spec.address - Int(m.start_input_bits)] = w != 0 ? 1 : 0
            }
        }
    }

    /// ASCII text, two characters per register, high byte first, NUL-padded.
    func setText(_ spec: RegisterSpec, _ text: String) {
        var bytes = Array(text.utf8.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }.prefix(2 * spec.encoding.words))
        bytes += [UInt8](repeating: 0, count: 2 * spec.encoding.words - bytes.count)
        setWords(spec, stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) })
    }
}

extension RegisterConverter {
    /// The words that show a measured `si` as the instrument would: rounded to one count and
    /// pegged at the ends of what the register can carry (a meter saturates, it does not refuse).
    func measuredWords(_ si: Double) -> [UInt16] {
        var raw = scaling.raw(fromSI: si.isFinite ? si : 0)
        if encoding.type.isInteger { raw = raw.rounded(.toNearestOrAwayFromZero) }
        raw = min(max(raw, rawRange.lowerBound), rawRange.upperBound)
        return encoding.encode(raw) ?? [UInt16](repeating: 0, count: encoding.words)
    }
}
