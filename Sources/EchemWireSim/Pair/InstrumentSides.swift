import EchemCore
import EchemSim

/// The cycler's side of a `SharedCell`: the Modbus unit's output terminals. Its regulation's
/// set-point becomes a cell drive (the set-point's compliance, else the unit's range), and each
/// physics step is one sample period of the shared cell, when the cycler holds it.
final class CyclerSide: DeviceTerminals {
    let cell: SharedCell
    let samplePeriod: Double
    let capabilities: ChannelCapabilities

    init(_ cell: SharedCell, ratings: DeviceRatings, samplePeriod: Double) {
        self.cell = cell
        self.samplePeriod = samplePeriod
        capabilities = Regulator.capabilities(ratings, samplePeriod: samplePeriod)
    }

    var time: Double { cell.time }
    func openCircuitVoltage() -> Double { cell.openCircuitVoltage() }
    func nextReading() async throws -> ChannelReading { cell.cyclerReading(dt: samplePeriod) }
    func outputSwitched(on: Bool) -> String? { cell.switchOutput(of: .cycler, on: on) }

    func apply(_ setpoint: Setpoint) async throws {
        // A source/sink's regulation never asks for a sweep; refused like a mode the unit lacks.
        if case .sweep = setpoint.mode { throw ChannelError.unsupported("a sweep on a source/sink") }
        cell.setCyclerDrive(Self.drive(setpoint, within: capabilities))
    }

    /// The cell drive of a set-point; nil for `.off` (the output stage is open).
    static func drive(_ sp: Setpoint, within caps: ChannelCapabilities) -> CellDrive? {
        let minV = sp.minVolts ?? caps.minVolts
        let maxV = sp.maxVolts ?? caps.maxVolts
        let maxI = min(sp.maxAbsCurrent ?? .infinity, caps.maxAbsCurrent)
        let mode: CellDrive.Mode
        switch sp.mode {
        case .off, .sweep: return nil
        case .current(let a): mode = .current(a)
        case .voltage(let v): mode = .voltage(v)
        case .power(let w): mode = .power(w)
        case .resistance(let r): mode = .resistance(r)
        }
        return CellDrive(mode, minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
    }
}

/// The potentiostat's side of a `SharedCell`: its leads. `cell_on` claims the cell (or is
/// refused), driven steps act on the shared state, open-circuit time is the shared cell's rule.
final class PotentiostatSide: PotentiostatLeads {
    let cell: SharedCell

    init(_ cell: SharedCell) { self.cell = cell }

    func switchCell(on: Bool) -> Bool { cell.switchOutput(of: .potentiostat, on: on) == nil }
    func withElectrode<T>(_ body: (inout SimulatedElectrode) -> T) -> T { cell.withElectrode(body) }
    func openCircuit(seconds: Double) -> Double { cell.potentiostatOpenCircuit(seconds: seconds) }
    var electrode: SimulatedElectrode { cell.withElectrode { $0 } }
}
