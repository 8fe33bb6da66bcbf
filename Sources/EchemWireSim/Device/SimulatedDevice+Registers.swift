import EchemCore
import EchemDrivers
import EchemSim

extension SimulatedDevice {
    /// Measured values, each quantized to one count of its register, and the status bits. The
    /// current register shows the magnitude: EA's `actual_current` is a u16, and echemd's
    /// profiles carry the direction in a status bit (`sink`) or in the set-point the driver chose.
    static func publish(_ r: ChannelReading, _ c: inout Core, _ map: DeviceMap) {
        c.last = r
        let amps = c.controls.output ? abs(r.amperes) : 0
        map.publish(.actualVoltage, r.volts, in: c.image)
        map.publish(.actualCurrent, amps, in: c.image)
        map.publish(.actualPower, abs(r.volts) * amps, in: c.image)
        publishSwitches(&c, map, sinking: c.controls.output && r.amperes < 0)
    }

    /// The switch registers read back their state, and the status word's named bits follow it:
    /// `output`, `remote`, and `sink` (set while current flows out of the cell) where the
    /// profile names them. Other bits are left as they are.
    static func publishSwitches(_ c: inout Core, _ map: DeviceMap, sinking: Bool? = nil) {
        let sink = sinking ?? (c.controls.output && (c.last?.amperes ?? 0) < 0)
        if let spec = map.spec(.output), spec.encoding.words == 1 { c.image.setWords(spec, [c.controls.output ? 1 : 0]) }
        if let spec = map.spec(.remote), spec.encoding.words == 1 { c.image.setWords(spec, [c.controls.remote ? 1 : 0]) }
        guard let status = map.spec(.status), status.encoding.type.isInteger, !status.bits.isEmpty else { return }
        var raw = UInt64(max(0, status.encoding.decode(c.image.words(status))))
        let state = ["output": c.controls.output, "remote": c.controls.remote, "sink": sink]
        for bit in status.bits where bit.value < 8 * 2 * status.encoding.words {
            guard let on = state[bit.name] else { continue }
            raw = on ? raw | (1 << UInt64(bit.value)) : raw & ~(1 << UInt64(bit.value))
        }
        if let words = status.encoding.encode(Double(raw)) { c.image.setWords(status, words) }
    }

    /// Nominal registers show the rating; the scalings are then resolved against the values as
    /// published (float32 on an EA), exactly what a client reads back.
    static func publishNominals(_ profile: DeviceProfile, _ ratings: DeviceRatings,
                                _ image: RegisterImage) throws(SimulatorError) -> [String: Double] {
        var nominals: [String: Double] = [:]
        let values: [(RegisterRole, Double)] = [(.nominalVoltage, ratings.voltage), (.nominalCurrent, ratings.current),
                                                (.nominalPower, ratings.power)]
        for (role, si) in values {
            guard let spec = profile.register(role) else { continue }
            do {
                let c = try spec.converter()
                image.setWords(spec, try c.words(for: si))
                nominals[spec.name] = try c.si(from: image.words(spec))
            } catch {
                throw SimulatorError("\(spec.name) = \(si): \(error)")
            }
        }
        return nominals
    }

    /// Identity strings, power limits at 100 % (so they do not silently cap a charge nobody asked
    /// to limit), then the caller's presets.
    static func fillIdentity(_ profile: DeviceProfile, _ map: DeviceMap, unit: Int, ratings: DeviceRatings,
                             presets: [String: RegisterPreset], _ image: RegisterImage) throws(SimulatorError) {
        for spec in profile.registers where spec.encoding.type == .string {
            switch spec.name {
            case "manufacturer": image.setText(spec, profile.device.manufacturer)
            case "device_type", "model": image.setText(spec, (profile.device.models.first ?? profile.device.family) + " (simulated)")
            case "serial_number": image.setText(spec, "ECHEMSIM-\(unit)")
            default: break
            }
        }
        for role in [RegisterRole.setPower, .setSinkPower] {
            if let spec = map.spec(role), let c = map.converter(role) { image.setWords(spec, c.measuredWords(ratings.power)) }
        }
        // Protection thresholds start at the top of their registers (as instruments ship: set
        // wide open), so only a client that programs them narrows them.
        for role in [RegisterRole.ovp, .ocp, .opp] {
            if let spec = map.spec(role) { image.setWords(spec, spec.encoding.encode(spec.rawRange.upperBound) ?? []) }
        }
        for (name, preset) in presets.sorted(by: { $0.key < $1.key }) {
            guard let spec = profile.register(name) else {
                throw SimulatorError("preset \(name): the profile has no register of that name")
            }
            switch preset {
            case .text(let text):
                guard spec.encoding.type == .string else { throw SimulatorError("preset \(name): not a string register") }
                image.setText(spec, text)
            case .value(let si):
                if spec.table.holdsBits { image.setWords(spec, [si != 0 ? 1 : 0]); continue }
                guard let c = map.converters[name] else { throw SimulatorError("preset \(name): a string register takes text") }
                do { image.setWords(spec, try c.words(for: si)) } catch { throw SimulatorError("preset \(name): \(error)") }
            }
        }
    }

    /// The cell model, on an accelerated clock: the physics loop keeps time itself.
    static func makeChannel(_ cell: SimulatedCell, ratings: DeviceRatings, samplePeriod: Double,
                            noise: SimulatedChannel.Noise) throws(SimulatorError) -> SimulatedChannel {
        let caps = Regulator.capabilities(ratings, samplePeriod: samplePeriod)
        do {
            switch cell {
            case .chemistry(let name, let capacityAh, let soc):
                guard let parameters = try? ChemistryLibrary.named(name) else {
                    throw SimulatorError("unknown chemistry \(name) (expected one of \(ChemistryLibrary.names.joined(separator: ", ")))")
                }
                return try SimulatedChannel(config: .init(parameters: parameters, capacityAh: capacityAh, initialSOC: soc,
                                                          samplePeriod: samplePeriod, clock: .accelerated, noise: noise,
                                                          instrument: .custom(caps)))
            case .metadata(let m):
                return try SimulatedChannel.forCell(m, samplePeriod: samplePeriod, clock: .accelerated, noise: noise,
                                                    instrument: .custom(caps), chamber: false)
            }
        } catch let e as SimulatorError {
            throw e
        } catch {
            throw SimulatorError("cell: \(error)")
        }
    }
}
