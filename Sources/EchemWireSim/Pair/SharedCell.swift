import EchemCore
import EchemSim
import Synchronization

/// One simulated cell wired to two instruments at once, a cycler (Modbus source/sink) and a
/// potentiostat (MethodSCRIPT), as on a bench where both leads stay clipped to the cell.
///
/// Rules, each a physical fact of the bench:
/// - **One driver.** The instrument whose output is on drives the cell and advances it. The
///   other only measures: it reads the terminal voltage (the driven voltage while the other
///   drives, the open-circuit voltage otherwise) and no current of its own.
/// - **Second one refused.** Switching on while the other drives is refused: the potentiostat's
///   `cell_on` stops its script with `!0032` (critical overload), the cycler's "output on" trips
///   its output off at once (status reads off). Both are logged and counted in `refusals`.
/// - **One clock.** Cell time moves only with the instrument that drives, or, when neither does,
///   with the one that drove last (the cycler before anyone has): its open-circuit readings let
///   the cell relax. The other's open-circuit readings stand still in cell time, so two lockstep
///   clients never both advance one cell.
final class SharedCell: Sendable {
    enum Instrument: String, Sendable {
        case cycler, potentiostat
    }

    /// What tests and logs look at.
    struct Status: Sendable {
        var seconds: Double
        var volts: Double
        var openCircuitVolts: Double
        var driver: Instrument?
        var clock: Instrument
        var refusals: Int
        var cell: CellModel
    }

    private struct State {
        var cell: CellModel
        /// Terminal voltage after the last step: what a voltmeter across the cell shows while it is driven.
        var volts: Double
        var cyclerOn = false
        /// The drive the cycler's regulation last applied (it acts only while `cyclerOn`).
        var cyclerDrive: CellDrive?
        var potentiostatOn = false
        var clock: Instrument = .cycler
        var refusals = 0

        var driver: Instrument? { cyclerOn ? .cycler : potentiostatOn ? .potentiostat : nil }
    }

    private let state: Mutex<State>
    private let log: (@Sendable (String) -> Void)?

    init(_ cell: CellModel, log: (@Sendable (String) -> Void)? = nil) {
        state = Mutex(State(cell: cell, volts: cell.openCircuitVoltage()))
        self.log = log
    }

    /// The cell a `SimulatedCell` names, sized as the single-instrument simulators size it.
    static func model(_ spec: SimulatedCell) throws(SimulatorError) -> CellModel {
        do {
            switch spec {
            case .chemistry(let name, let capacityAh, let soc):
                return try CellModel(parameters: ChemistryLibrary.named(name), capacityAh: capacityAh, initialSOC: soc)
            case .metadata(let cell):
                return try SimulatedChannel.forCell(cell, chamber: false).state().cell
            }
        } catch {
            throw SimulatorError("cell: \(error) (chemistries: \(ChemistryLibrary.names.joined(separator: ", ")))")
        }
    }

    var status: Status {
        state.withLock { s in
            Status(seconds: s.cell.state.seconds, volts: s.volts, openCircuitVolts: s.cell.openCircuitVoltage(),
                   driver: s.driver, clock: s.clock, refusals: s.refusals, cell: s.cell)
        }
    }

    // MARK: - Switching

    /// An instrument switches its output on (nil: done; else why it is refused) or off.
    func switchOutput(of who: Instrument, on: Bool) -> String? {
        let refusal: String? = state.withLock { s in
            guard on else {
                // The cycler keeps its drive: switched on again before its next step, it drives as before.
                if who == .cycler { s.cyclerOn = false } else { s.potentiostatOn = false }
                return nil
            }
            if let other = s.driver, other != who {
                s.refusals += 1
                return "the \(other.rawValue) drives the cell"
            }
            if who == .cycler { s.cyclerOn = true } else { s.potentiostatOn = true }
            s.clock = who
            return nil
        }
        if let refusal { log?("\(who.rawValue): switching on refused: \(refusal)") }
        return refusal
    }

    // MARK: - Cycler side

    /// The cycler's regulation chose a drive (nil: its output stage is off).
    func setCyclerDrive(_ drive: CellDrive?) {
        state.withLock { $0.cyclerDrive = drive }
    }

    /// One cycler sample `dt` after the last: driven or relaxing if the cycler holds the cell,
    /// else a reading of the terminals as they are.
    func cyclerReading(dt: Double) -> ChannelReading {
        state.withLock { s in
            if s.cyclerOn, let drive = s.cyclerDrive {
                let r = s.cell.step(drive, dt: dt)
                s.volts = r.volts
                return reading(s, amperes: r.amperes)
            }
            if s.potentiostatOn || s.cyclerOn {
                // Measuring only (the potentiostat drives, or the output is on with no drive yet).
                return reading(s, amperes: 0)
            }
            if s.clock == .cycler {
                s.volts = s.cell.step(.open, dt: dt).volts
                return reading(s, amperes: 0)
            }
            return ChannelReading(time: s.cell.state.seconds, volts: s.cell.openCircuitVoltage(), amperes: 0,
                                  celsius: s.cell.state.celsius)
        }
    }

    private func reading(_ s: State, amperes: Double) -> ChannelReading {
        ChannelReading(time: s.cell.state.seconds, volts: s.volts, amperes: amperes, celsius: s.cell.state.celsius)
    }

    var time: Double { state.withLock { $0.cell.state.seconds } }
    func openCircuitVoltage() -> Double { state.withLock { $0.cell.openCircuitVoltage() } }

    // MARK: - Potentiostat side

    /// The cell as the potentiostat's electrode model, for a driven step or a read; what the body
    /// does to it is the cell's new state.
    func withElectrode<T>(_ body: (inout SimulatedElectrode) -> T) -> T {
        state.withLock { s in
            var e = SimulatedElectrode.battery(s.cell, lastVolts: s.volts)
            let result = body(&e)
            if case .battery(let cell, let volts) = e {
                s.cell = cell
                s.volts = volts
            }
            return result
        }
    }

    /// The potentiostat's cell is off for `seconds`: the cell relaxes if the potentiostat holds
    /// the clock; otherwise the leads only read the terminals.
    func potentiostatOpenCircuit(seconds: Double) -> Double {
        state.withLock { s in
            if s.cyclerOn { return s.volts }
            guard s.clock == .potentiostat, !s.potentiostatOn else { return s.cell.openCircuitVoltage() }
            s.volts = s.cell.step(.open, dt: seconds).volts
            return s.volts
        }
    }
}
