import EchemCore

/// Programs an instrument's own protection thresholds (OVP, OCP, OPP, where its profile maps them)
/// from the channel's hard limits, and reads each back. The firmware then enforces the limits by
/// itself: if echemd crashes or the host hangs with the output on, the cell stays inside them.
///
/// A register marked `verified = false` in the profile is never written: writing a guessed
/// address on real hardware could change something else. Such thresholds are reported instead.
enum ProtectionProgramming {
    /// Returns one line per threshold, programmed or skipped, for the daemon's log.
    static func program(_ registers: DeviceRegisters, maxVolts: Double, maxAmperes: Double,
                        maxWatts: Double?) async throws -> [String] {
        var report: [String] = []
        let wanted: [(RegisterRole, Double?, String)] = [(.ovp, maxVolts, "V"), (.ocp, maxAmperes, "A"), (.opp, maxWatts, "W")]
        for (role, limit, unit) in wanted {
            guard let spec = registers.profile.register(role.rawValue) else { continue }
            guard let limit else {
                report.append("\(role.rawValue) left as it is: the channel has no hard limit for it")
                continue
            }
            guard spec.verified else {
                report.append("\(role.rawValue) NOT programmed: its address is unverified in \(registers.profile.source); "
                              + "set it on the instrument to \(SIFormat.format(limit, unit: unit)) or below")
                continue
            }
            let back: Double
            do {
                try await registers.write(role.rawValue, limit)
                back = try await registers.read(role.rawValue)
            } catch {
                throw ChannelError.fault("programming \(role.rawValue) to \(SIFormat.format(limit, unit: unit)): \(error)")
            }
            // The register holds whole counts: accept a read-back within 1 % (a few counts on any
            // sensible range); anything else means the device did not take it.
            guard abs(back - limit) <= 0.01 * abs(limit) else {
                throw ChannelError.fault("\(role.rawValue) reads back \(SIFormat.format(back, unit: unit)) after writing "
                                         + "\(SIFormat.format(limit, unit: unit)): the instrument did not accept its protection limit")
            }
            report.append("\(role.rawValue) programmed to \(SIFormat.format(back, unit: unit))")
        }
        return report
    }
}
