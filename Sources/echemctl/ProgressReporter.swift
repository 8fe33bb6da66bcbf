import Foundation
import Synchronization
import EchemCore
import EchemEngine
import EchemAnalysis
import EchemProtocol

/// The live view of a simulation: a progress line (cycle, step, V, I, elapsed, ETA) rewritten in
/// place on a terminal or printed every few seconds in a log, a line per finished cycle, and the
/// per-cycle summary table at the end.
final class ProgressReporter: Sendable {
    struct State {
        var step = "", stepID = 0, cycle = 1
        var last: Sample?
        var lastPrint = Date.distantPast
        var totals: [CycleTotals] = []
        var pauses: [String] = []
    }

    let program: StepProgram
    let cell: CellMetadata?
    let quiet: Bool
    let analysis: CycleAnalysisOptions
    let estimatedSeconds: Double?
    let isTerminal = isatty(STDERR_FILENO) != 0
    let started = Date()
    let state = Mutex(State())

    init(program: StepProgram, cell: CellMetadata?, quiet: Bool, analysis: CycleAnalysisOptions) {
        self.program = program
        self.cell = cell
        self.quiet = quiet
        self.analysis = analysis
        self.estimatedSeconds = DurationEstimate.estimate(program, cell: cell).totalSeconds
    }

    func handle(_ event: EngineEvent) {
        switch event {
        case .runStarted(let run):
            say("run \(run.id.uuidString.lowercased()) · \(program.name) · cell \(cell?.name ?? "-") (\(cell?.chemistry ?? "?"))")
            for r in program.resolutions { say("  \(r)") }
        case .stepStarted(let record, let summary):
            state.withLock { $0.step = summary; $0.stepID = record.stepID; $0.cycle = record.cycle }
        case .committed(let samples):
            let line: String? = state.withLock { s in
                s.last = samples.last
                let now = Date()
                guard !quiet, now.timeIntervalSince(s.lastPrint) >= (isTerminal ? 0.2 : 5) else { return nil }
                s.lastPrint = now
                return progressLine(s)
            }
            if let line { isTerminal ? overwrite(line) : say(line) }
        case .cycleEnded(let totals):
            state.withLock { $0.totals.append(totals) }
            if !quiet, let row = CycleAnalysis.summarize([totals], cell: cell, options: analysis).first {
                clearLine()
                say(cycleLine(row))
            }
        case .paused(let reason):
            clearLine()
            say("paused: \(reason)")
        case .event(let e) where e.kind == "safety" || e.kind == "refused" || e.kind == "loop" || e.kind == "resume":
            clearLine()
            say("\(e.kind): \(e.message)")
        case .spectrum(let sp):
            if !quiet { clearLine(); say("EIS spectrum \(sp.index) after cycle \(sp.cycle - 1): \(sp.points.count) points") }
        default:
            break
        }
    }

    func finish(_ outcome: RunOutcome) {
        clearLine()
        let wall = Date().timeIntervalSince(started)
        say("\(outcome.status.rawValue): \(outcome.reason) · test time \(duration(outcome.testTime)) · "
            + "\(outcome.samplesStored) samples stored · wall \(String(format: "%.1f", wall)) s")
        let totals = state.withLock { $0.totals }
        let rows = CycleAnalysis.summarize(totals, cell: cell, options: analysis)
        guard !rows.isEmpty else { return }
        let shown = rows.count <= 30 ? rows : rows.enumerated().filter { i, r in
            i < 10 || i == rows.count - 1 || r.cycle % max(1, rows.count / 20) == 0
        }.map(\.element)
        print(SummaryTable.text(shown, cell: cell, options: analysis), terminator: "")
    }

    private func progressLine(_ s: State) -> String {
        guard let x = s.last else { return "" }
        var eta = ""
        if let total = estimatedSeconds, total > x.testTime, x.testTime > 0 {
            let rate = Date().timeIntervalSince(started) / x.testTime
            eta = " · ETA \(duration((total - x.testTime) * rate)) (≈\(duration(total)) of test time)"
        }
        return String(format: "cycle %d · step %d %@ · %.4f V · %@ · test %@%@", x.cycle, x.stepID,
                      String(s.step.prefix(40)), x.volts, current(x.amperes), duration(x.testTime), eta)
    }

    private func cycleLine(_ r: CycleSummary) -> String {
        var parts = ["cycle \(r.cycle):", String(format: "charge %.4f mAh", r.chargeMAh), String(format: "discharge %.4f mAh", r.dischargeMAh)]
        if let c = r.specificChargeMAhPerG, let d = r.specificDischargeMAhPerG {
            parts.append(String(format: "(%.1f / %.1f mAh/g %@)", c, d, cell?.massBasis ?? ""))
        }
        if let ce = r.coulombicEfficiency { parts.append(String(format: "CE %.2f %%", ce * 100)) }
        return parts.joined(separator: " ")
    }

    private func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    private func overwrite(_ line: String) { FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8)) }
    private func clearLine() { if isTerminal && !quiet { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) } }
}

func duration(_ seconds: Double) -> String {
    if seconds < 120 { return String(format: "%.0f s", seconds) }
    if seconds < 7200 { return String(format: "%.1f min", seconds / 60) }
    if seconds < 172_800 { return String(format: "%.1f h", seconds / 3600) }
    return String(format: "%.1f d", seconds / 86400)
}

func current(_ a: Double) -> String {
    let m = abs(a)
    if m >= 1 { return String(format: "%.4g A", a) }
    if m >= 1e-3 { return String(format: "%.4g mA", a * 1e3) }
    if m >= 1e-6 || m == 0 { return String(format: "%.4g µA", a * 1e6) }
    return String(format: "%.4g nA", a * 1e9)
}
