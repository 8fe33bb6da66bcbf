import ArgumentParser
import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation

extension ModbusCommand {
    /// The flags as a simulator configuration; a flag that cannot be used is a usage error (64).
    func makeConfiguration(_ profile: DeviceProfile) throws -> ModbusDeviceSimulator.Configuration {
        let transport: SimulatorTransport
        if let tcp {
            let (host, port) = try Self.hostAndPort(tcp)
            transport = .tcp(host: host, port: port)
        } else {
            transport = .pseudoTerminal(link: link)
        }
        let unitIDs = try units.map(Self.unitList) ?? [unit]
        let clock = try Self.clock(speed)
        let period = try Self.positive(samplePeriod, .time, "--sample-period")
        let q = try Self.positive(capacity, .capacity, "--capacity")
        if let s = initialSoc, !(0...1).contains(s) { throw ValidationError("--initial-soc must be within 0…1") }
        var plan = FaultPlan(seed: seed)
        if let faults {
            do { plan = try FaultPlan(parsing: faults, seed: seed) } catch { throw ValidationError(error.description) }
        }
        if plan.disconnect > 0, pty {
            Log.line("note: disconnect faults apply to TCP only; on a pseudo-terminal that share of requests is answered normally")
        }
        return ModbusDeviceSimulator.Configuration(
            profile: profile, transport: transport, units: unitIDs,
            cell: try cell.map { .metadata(try CellFile.load($0)) } ?? .chemistry(cellChemistry, capacityAh: q, initialSOC: initialSoc),
            ratings: try Self.ratings(profile, voltage: nominalVoltage, current: nominalCurrent, power: nominalPower), presets: try presets(profile), clock: clock, samplePeriod: period,
            faults: plan, log: { Log.line($0) })
    }

    /// `--nominal-*` flags over the profile's envelope; an unspecified power is V × I once V or I
    /// is given. (Shared with `echem-sim pair`.)
    static func ratings(_ profile: DeviceProfile, voltage: String?, current: String?, power: String?) throws -> DeviceRatings {
        let envelope = DeviceRatings.envelope(of: profile)
        let v = try voltage.map { try quantity($0, .voltage, "--nominal-voltage") } ?? envelope.voltage
        let i = try current.map { try quantity($0, .current, "--nominal-current") } ?? envelope.current
        let given = voltage != nil || current != nil
        let p = try power.map { try quantity($0, .power, "--nominal-power") } ?? (given ? v * i : envelope.power)
        return DeviceRatings(voltage: v, current: i, power: p)
    }

    /// `--speed`: a factor (1 = real time) or `max` (lockstep).
    static func clock(_ speed: String) throws -> SimulationClock {
        if speed.lowercased() == "max" { return .lockstep }
        guard let factor = Double(speed), factor > 0, factor.isFinite else {
            throw ValidationError("--speed \(speed): expected a factor > 0 (1 = real time) or 'max'")
        }
        return .realTime(speed: factor)
    }

    /// A quantity flag that must be above zero.
    static func positive(_ text: String, _ dimension: PhysicalDimension, _ flag: String) throws -> Double {
        let value = try quantity(text, dimension, flag)
        guard value > 0 else { throw ValidationError("\(flag) must be > 0") }
        return value
    }

    /// `--set NAME=VALUE`: text for string registers; for the others a number (decimal, 0x hex)
    /// or a quantity (`60V`), in SI.
    private func presets(_ profile: DeviceProfile) throws -> [String: RegisterPreset] {
        var out: [String: RegisterPreset] = [:]
        for item in presets {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let spec = profile.register(parts[0]) else {
                throw ValidationError("--set \(item): expected NAME=VALUE with NAME a register of \(profile.device.family)")
            }
            let text = parts[1]
            if spec.encoding.type == .string { out[spec.name] = .text(text); continue }
            if text.lowercased().hasPrefix("0x"), let v = Int(text.dropFirst(2), radix: 16) {
                out[spec.name] = .value(Double(v))
            } else if let v = Double(text) {
                out[spec.name] = .value(v)
            } else if case .success(let q) = QuantityParser.parse(text) {
                out[spec.name] = .value(q.value)
            } else {
                throw ValidationError("--set \(item): '\(text)' is not a number or a quantity")
            }
        }
        return out
    }

    static func hostAndPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else {
            throw ValidationError("--tcp \(text): expected HOST:PORT, e.g. 127.0.0.1:1502 (port 0 picks a free one)")
        }
        let host = String(text[..<colon])
        return (host == "localhost" ? "127.0.0.1" : host, port)
    }

    static func unitList(_ text: String) throws -> [Int] {
        let ids = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--units \(text): expected unit ids separated by commas, e.g. 1,2")
        }
        return ids.map { $0! }
    }

    static func quantity(_ text: String, _ dimension: PhysicalDimension, _ flag: String) throws -> Double {
        switch QuantityParser.parse(text) {
        case .success(let q) where q.dimension == dimension: return q.value
        case .success(let q): throw ValidationError("\(flag) \(text): a \(q.dimension.noun), expected a \(dimension.noun)")
        case .failure(let e): throw ValidationError("\(flag) \(text): \(e)")
        }
    }

    /// One stderr line on what is being served, with the resolution a client will see, and a
    /// warning when a rating is too coarse for the cell (1 % of its 1C current per count).
    func describe(_ s: ModbusDeviceSimulator) {
        let c = s.configuration
        let r = c.ratings ?? DeviceRatings.envelope(of: c.profile)
        var line = "\(c.profile.device.family) (\(c.profile.source)): rated \(SIFormat.format(r.voltage, unit: "V")), "
            + "\(SIFormat.format(r.current, unit: "A")), \(SIFormat.format(r.power, unit: "W"))"
        let resolution = resolutionOfCurrent(c.profile, r)
        if let res = resolution { line += "; one count of actual_current = \(SIFormat.format(res, unit: "A"))" }
        if case .chemistry(let name, let q, _) = c.cell {
            line += "; cell \(name) \(SIFormat.format(q, unit: "Ah"))"
            if let res = resolution, res > 0.01 * q {
                Log.line("warning: one count of current (\(SIFormat.format(res, unit: "A"))) is more than 1 % of the cell's 1C "
                         + "(\(SIFormat.format(q, unit: "A"))); give --nominal-current to resolve it")
            }
        }
        if case .metadata(let cell) = c.cell { line += "; cell \(cell.name) (\(cell.chemistry ?? "no chemistry"))" }
        switch c.clock {
        case .lockstep: line += "; clock: one \(SIFormat.duration(c.samplePeriod)) step per poll"
        case .realTime(let speed): line += "; clock: ×\(SIFormat.number(speed)), \(SIFormat.duration(c.samplePeriod)) steps"
        }
        line += "; faults: \(c.faults)"
        Log.line(line)
    }

    private func resolutionOfCurrent(_ profile: DeviceProfile, _ r: DeviceRatings) -> Double? {
        guard let spec = profile.register(.actualCurrent) else { return nil }
        let nominals = ["nominal_voltage": r.voltage, "nominal_current": r.current, "nominal_power": r.power]
        return try? spec.converter(nominals: nominals).resolution(at: r.current / 100)
    }
}

/// stderr, one line per message, prefixed so it can be told apart from a client's output.
enum Log {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data("echem-sim: \(text)\n".utf8))
    }
}
