import ArgumentParser
import Foundation
import EchemCore
import EchemStore
import EchemAnalysis

struct GITT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitt",
        abstract: "Per-pulse GITT analysis of a stored run: ΔE_s, ΔE_t (IR drop excluded) and D by Weppner–Huggins.",
        discussion: """
        D = 4/(πτ)·(n_m·V_m/S)²·(ΔE_s/ΔE_t)² (seed 003 Eq. 16) needs the cell's active_amount (n_m),
        molar_volume (V_m) and interfacial_area (S); without them only the voltages are shown.
        Example: echemctl gitt 3f2a --db runs.sqlite --csv > gitt.csv
        """)

    @Argument(help: "The run id or a unique prefix.")
    var run: String

    @Option(help: "The SQLite store holding the run.")
    var db: String = Simulate.defaultDatabase

    @Option(help: "Leave the first seconds of each pulse out of the √t fit (RC settling), e.g. 2.")
    var fitSkip: Double = 0

    @Flag(help: "Write CSV to stdout instead of a table.")
    var csv = false

    func run() async throws {
        let store = try RunStore(path: db)
        let stored = try store.run(prefix: run)
        var t: [Double] = [], v: [Double] = [], i: [Double] = []
        try store.forEachSample(runID: stored.info.id) { s in t.append(s.testTime); v.append(s.volts); i.append(s.amperes) }
        let pulses = GITTPulseFinder.pulses(time: t, volts: v, amperes: i,
                                            options: GITTPulseFinder.Options(fitSkipSeconds: fitSkip))
        let cell = stored.info.cell
        if csv { print("pulse,start_s,tau_s,current_A,rest_before_V,dEs_V,dEt_V,ir_drop_V,sqrt_t_r2,D_cm2_per_s") }
        else { print("pulse  start/h   τ/s     I/mA      E_rest/V   ΔE_s/mV   ΔE_t/mV   IR/mV    R²(√t)   D/cm²s⁻¹") }
        for p in pulses {
            let d = cell.flatMap { WeppnerHuggins.diffusionCoefficient(p, cell: $0) }
            if csv {
                print([Double(p.index), p.startTime, p.seconds, p.amperes, p.restBeforeVolts, p.deltaEs, p.deltaEt,
                       p.irDropVolts, p.sqrtTimeR2 ?? .nan, d ?? .nan].map { "\($0)" }.joined(separator: ","))
            } else {
                print(String(format: "%5d  %7.2f  %5.0f  %8.4f  %9.4f  %8.3f  %8.3f  %7.2f  %7.4f  %@", p.index,
                             p.startTime / 3600, p.seconds, p.amperes * 1000, p.restBeforeVolts, p.deltaEs * 1000,
                             p.deltaEt * 1000, p.irDropVolts * 1000, p.sqrtTimeR2 ?? .nan,
                             d.map { String(format: "%.3e", $0) } ?? "- (cell lacks n_m, V_m or S)"))
            }
        }
        if pulses.isEmpty { printError("no current pulses with rests on both sides were found in this run") }
    }
}
