import EchemCore

/// The register names a driver understands. A profile maps each to an address; any other name
/// must be marked `extra = true` (kept, readable, and ignored by the driver), so a misspelt
/// `set_voltag` is an error rather than a silently unused register.
public enum RegisterRole: String, Sendable, Hashable, CaseIterable {
    case remote, output
    case setVoltage = "set_voltage", setCurrent = "set_current", setPower = "set_power"
    case setSinkCurrent = "set_sink_current", setSinkPower = "set_sink_power"
    case setResistance = "set_resistance"
    case ovp, ocp, opp
    case actualVoltage = "actual_voltage", actualCurrent = "actual_current", actualPower = "actual_power"
    case status
    case deviceClass = "device_class"
    case nominalVoltage = "nominal_voltage", nominalCurrent = "nominal_current", nominalPower = "nominal_power"
    /// A command register whose writes select a mode or switch the input (Maynuo `CMD`).
    case command

    /// What the value measures; nil for switches, status words, codes and identities, which
    /// carry no scaling.
    public var dimension: PhysicalDimension? {
        switch self {
        case .setVoltage, .ovp, .actualVoltage, .nominalVoltage: .voltage
        case .setCurrent, .setSinkCurrent, .ocp, .actualCurrent, .nominalCurrent: .current
        case .setPower, .setSinkPower, .opp, .actualPower, .nominalPower: .power
        case .setResistance: .resistance
        case .remote, .output, .status, .deviceClass, .command: nil
        }
    }

    /// Set-points and protection thresholds the driver writes.
    public var isWrittenByDriver: Bool {
        switch self {
        case .setVoltage, .setCurrent, .setPower, .setSinkCurrent, .setSinkPower, .setResistance, .ovp, .ocp, .opp: true
        default: false
        }
    }

    public static var names: [String] { allCases.map(\.rawValue) }
}
