import EchemCore
import EchemSim

/// What a simulated unit's output terminals are wired to: its own cell model (a
/// `SimulatedChannel`, the usual case) or a cell shared with another simulated instrument
/// (`SharedCell`, `echem-sim pair`). The unit's regulation asks it for the open-circuit voltage,
/// applies its drive, and takes one reading per physics step.
protocol DeviceTerminals: AnyObject, Sendable {
    /// Cell time (s).
    var time: Double { get }
    /// The cell's terminal voltage if the current stopped now.
    func openCircuitVoltage() -> Double
    func apply(_ setpoint: Setpoint) async throws
    /// One sample period later (or, on a shared cell the unit does not hold, the terminals as they are).
    func nextReading() async throws -> ChannelReading
    /// The client switched the output on or off. For "on", returns why the terminals refuse it
    /// (another instrument drives the cell), and the unit trips its output off at once.
    func outputSwitched(on: Bool) -> String?
}

extension DeviceTerminals {
    func outputSwitched(on: Bool) -> String? { nil }
}

extension SimulatedChannel: DeviceTerminals {
    func openCircuitVoltage() -> Double { state().cell.openCircuitVoltage() }
}
