import Testing
import Foundation
import EchemCore
import EchemAnalysis
import EchemStore

@Suite("GITT through the whole stack")
struct GITTTemplateTests {
    /// The GITT template's construct (pulse + rest in a `repeat` until the cut-off), on the
    /// `ideal_linear` cell whose D is known: L = 5 µm, D = 1e-10 cm²/s (τ_D = 2500 s). With
    /// n_m·V_m/S = 5e-5 mol × 10 cm³/mol / 1 cm² = 5 µm, Weppner–Huggins must give D back within 5 %.
    static let protocolText = """
    echemd: 1
    name: GITT on a film of known D
    cell:
      name: thin film
      chemistry: ideal_linear
      masses: {active: 1 mg}
      mass_basis: active
      nominal_capacity: 1 mAh
      active_amount: 50 µmol
      molar_volume: 10 cm3/mol
      interfacial_area: 1 cm2
    record: {every: 1 s}
    safety: {voltage: [2.9 V, 4.1 V], debounce: 1 s}
    steps:
      - rest: 10 min
      - repeat:
          until: [V <= 3.0 V]
          max_passes: 4
          advances_cycle: false
          steps:
            - discharge: C/20
              until: [time >= 60 s, V <= 3.0 V]
            - rest: 120 min
    """

    @Test("Weppner–Huggins recovers the model's D within 5 % from stored samples")
    func recoversDiffusionCoefficient() async throws {
        let run = try await simulate(text: Self.protocolText, filename: "gitt-known-d.yaml")
        #expect(run.outcome.status == .completed)
        var t: [Double] = [], v: [Double] = [], i: [Double] = []
        try run.store.forEachSample(runID: run.runID) { s in t.append(s.testTime); v.append(s.volts); i.append(s.amperes) }
        let pulses = GITTPulseFinder.pulses(time: t, volts: v, amperes: i)
        #expect(pulses.count == 4, "max_passes bounds the repeat at 4 pulses")
        let cell = try #require(run.program.cell)
        for p in pulses {
            let d = try #require(WeppnerHuggins.diffusionCoefficient(p, cell: cell))
            #expect(abs(d / 1e-10 - 1) < 0.05, "pulse \(p.index): D = \(d) cm²/s")
            #expect(abs(p.seconds - 60) <= 1)
        }
    }
}
