import EchemCore
import EchemSim

/// What is on the simulated potentiostat's leads, stepped in cell time. Currents are anodic
/// positive, which for a battery electrode on the working lead is + = charge.
///
/// - `battery`: echemd's equivalent-circuit `CellModel`; under potential control the current is
///   solved for the potential (as `SimulatedChannel` runs sweeps) plus the double-layer current
///   C_dl·dE/dt. Its small-signal impedance is the linearised cell (`impedanceCircuit`).
/// - `redox`: a reversible (or quasi-reversible) couple, `RedoxElectrode` (semi-integral CV);
///   current and open circuit are solved from its current–potential law. It has no analytic
///   impedance here: EIS on it always runs the time-domain FRA.
public enum SimulatedElectrode: Sendable {
    case battery(CellModel, lastVolts: Double)
    case redox(RedoxElectrode, lastVolts: Double)

    public static func battery(_ cell: CellModel) -> SimulatedElectrode {
        .battery(cell, lastVolts: cell.openCircuitVoltage())
    }

    public static func redox(_ couple: RedoxCouple, restingAt volts: Double) -> SimulatedElectrode {
        .redox(RedoxElectrode(couple, startVolts: volts), lastVolts: volts)
    }

    /// Cell time (s).
    public var seconds: Double {
        switch self {
        case .battery(let c, _): c.state.seconds
        case .redox(let r, _): r.seconds
        }
    }

    /// The battery model, if that is what is connected.
    public var cellModel: CellModel? {
        if case .battery(let c, _) = self { return c }
        return nil
    }

    /// The potential on the leads after the last step.
    public var volts: Double {
        switch self {
        case .battery(_, let v), .redox(_, let v): v
        }
    }

    /// Hold the working electrode at `volts` for `dt`; returns the current at the step's end.
    /// `doubleLayer: false` leaves out C_dl·dE/dt of the battery model (the FRA measures the
    /// cell model's own response, which its linearisation describes).
    public mutating func potentiostatic(volts e: Double, dt: Double, maxAbsCurrent: Double,
                                        doubleLayer: Bool = true) -> Double {
        switch self {
        case .battery(var cell, let last):
            let r = cell.step(CellDrive(.voltage(e), maxAbsCurrent: maxAbsCurrent), dt: dt)
            var i = r.amperes
            if doubleLayer { i += cell.doubleLayerFarads * (e - last) / dt }
            self = .battery(cell, lastVolts: e)
            return max(-maxAbsCurrent, min(maxAbsCurrent, i))
        case .redox(var electrode, _):
            let i = electrode.current(atVolts: e, dt: dt)
            self = .redox(electrode, lastVolts: e)
            return max(-maxAbsCurrent, min(maxAbsCurrent, i))
        }
    }

    /// Drive `amperes` for `dt` within the compliance window; returns the potential and the
    /// current that flowed (less than asked once the compliance is reached).
    public mutating func galvanostatic(amperes i: Double, dt: Double, minVolts: Double, maxVolts: Double)
        -> (volts: Double, amperes: Double) {
        switch self {
        case .battery(var cell, _):
            let r = cell.step(CellDrive(.current(i), minVolts: minVolts, maxVolts: maxVolts), dt: dt)
            self = .battery(cell, lastVolts: r.volts)
            return (r.volts, r.amperes)
        case .redox(let electrode, _):
            // The current rises with the potential: bisect on trial copies, then commit.
            func trial(_ e: Double) -> Double {
                var copy = electrode
                return copy.current(atVolts: e, dt: dt)
            }
            var lo = minVolts, hi = maxVolts
            if trial(hi) < i { lo = hi } else if trial(lo) > i { hi = lo } else {
                for _ in 0..<60 {
                    let mid = 0.5 * (lo + hi)
                    if trial(mid) < i { lo = mid } else { hi = mid }
                    if hi - lo < 1e-9 { break }
                }
            }
            var committed = electrode
            let e = 0.5 * (lo + hi)
            let flowed = committed.current(atVolts: e, dt: dt)
            self = .redox(committed, lastVolts: e)
            return (e, flowed)
        }
    }

    /// Leave the cell at open circuit for `dt`; returns its potential.
    public mutating func openCircuit(dt: Double) -> Double {
        switch self {
        case .battery(var cell, _):
            let r = cell.step(.open, dt: dt)
            self = .battery(cell, lastVolts: r.volts)
            return r.volts
        case .redox:
            return galvanostatic(amperes: 0, dt: dt, minVolts: volts - 5, maxVolts: volts + 5).volts
        }
    }

    /// The small-signal impedance at `hertz` around a DC current (nil: none in closed form).
    public func analyticImpedance(hertz: Double, dcAmperes: Double) -> Complex? {
        switch self {
        case .battery(let cell, _): cell.impedanceCircuit(dcAmperes: dcAmperes).impedance(hertz: hertz)
        case .redox: nil
        }
    }
}
