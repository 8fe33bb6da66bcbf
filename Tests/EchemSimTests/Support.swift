import Testing
@testable import EchemSim

/// A shipped set by name.
func set(_ name: String) throws -> ChemistryParameters { try ChemistryLibrary.named(name) }

/// `ideal_linear` without diffusion and with the given RC pairs and OCV: circuits with closed forms.
func circuitSet(r0: Double = 1, rc: [ChemistryParameters.RCPair] = [], flatOCV: Double? = nil) throws
    -> ChemistryParameters {
    var p = try set("ideal_linear")
    p.diffusion = nil
    p.r0Ohm = r0
    p.rc = rc
    if let v = flatOCV {
        // A flat OCV with no capacity ends: nothing but the circuit (kind symmetric has no runaway).
        p.kind = .symmetric
        p.ocv = .init(soc: [0, 1], charge: [v, v])
    }
    return p
}

/// Relative difference.
func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

/// Samples of one run: end-of-step time, voltage, current.
struct Trace {
    var t: [Double] = []
    var v: [Double] = []
    var i: [Double] = []
    mutating func record(_ cell: CellModel, _ r: CellStepResult) {
        t.append(cell.state.seconds)
        v.append(r.volts)
        i.append(r.amperes)
    }
}
