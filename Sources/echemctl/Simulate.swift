import ArgumentParser
import Foundation
import EchemCore
import EchemProtocol
import EchemEngine
import EchemStore
import EchemAnalysis

struct Simulate: AsyncParsableCommand {
    static let defaultDatabase = "echem-sim.sqlite"

    static let configuration = CommandConfiguration(
        abstract: "Run a protocol on a simulated cell, storing every sample, with live progress and a per-cycle summary.",
        discussion: """
        The cell comes from --cell, from --chemistry/--mass, or from the protocol's own `cell:` header.
        Examples:
          echemctl simulate protocols/seed-000/0-3-zns-long-cycling.yaml --loop-cap 3
          echemctl simulate my.yaml --chemistry li_s --mass 4.5mg --basis sulfur --nominal 1675mAh/g --bdf out.csv
          echemctl simulate --resume 3f2a --db echem-sim.sqlite      # continue a killed run from its checkpoint
          echemctl simulate --abandon 3f2a --db echem-sim.sqlite     # or close it as stopped
        """)

    @Argument(help: "The protocol file (YAML, or aurora-unicycler JSON). Not needed with --resume.")
    var file: String?

    @OptionGroup var cellOptions: CellOptions

    @Option(help: "Clock: `max` (as fast as possible) or a speed-up factor, e.g. 1 for real time, 60 for a minute per second.")
    var speed: String = "max"

    @Option(help: "Sampling period of the simulated channel, e.g. 1s or 100ms.")
    var samplePeriod: String = "1 s"

    @Option(help: "The SQLite store to write (created if missing).")
    var db: String = Simulate.defaultDatabase

    @Option(help: "Also export the run as BDF CSV to this path when it ends.")
    var bdf: String?

    @Option(help: "Cap every counted loop, repeat and cycle-event list at N passes (shortens long seed runs for CI; the file is unchanged).")
    var loopCap: Int?

    @Option(help: "Resume a killed run (id or prefix) from its last checkpoint in --db.")
    var resume: String?

    @Option(help: "Close a killed run (id or prefix) as stopped instead of resuming it: job policy `stop`.")
    var abandon: String?

    @Option(help: "Gaussian measurement noise σ for V (e.g. 0.5mV); default none.")
    var noise: String?

    @Flag(help: "No progress line; only the summary.")
    var quiet = false

    @OptionGroup var analysis: AnalysisOptions

    func run() async throws {
        let store = try RunStore(path: db)
        if let abandon {
            let stored = try store.run(prefix: abandon)
            guard stored.status == .running || stored.status == .paused else {
                throw ValidationError("run \(stored.info.id) has status \(stored.status.rawValue); nothing to abandon")
            }
            let testTime = try store.latestCheckpoint(runID: stored.info.id)?.testTime ?? 0
            try await store.finish(runID: stored.info.id, status: .stopped,
                                   reason: "interrupted and not resumed (job policy stop)", testTime: testTime)
            print("run \(stored.info.id.uuidString.lowercased()) closed as stopped")
            return
        }
        let prepared: PreparedRun
        if let resume {
            prepared = try PreparedRun.resuming(resume, store: store, options: self)
        } else {
            guard let file else { throw ValidationError("give a protocol FILE, or --resume RUN") }
            prepared = try PreparedRun.fresh(file: file, options: self)
        }
        let progress = ProgressReporter(program: prepared.program, cell: prepared.cell, quiet: quiet,
                                        analysis: analysis.options(for: prepared.cell))
        let snapshots = SimSnapshotFile(path: db + ".cell-\(prepared.run.id.uuidString.lowercased()).json")
        let channel = prepared.channel
        let engine = StepEngine(
            program: prepared.program, run: prepared.run, channel: channel, journal: store,
            options: EngineOptions(autoResumePauses: true), resumeFrom: prepared.checkpoint,
            observer: { event in
                progress.handle(event)
                // The simulated cell's state is saved after each durable batch, so a resumed run
                // continues on the cell as it was (a real cell keeps its state by itself).
                if case .committed = event { snapshots.save(channel) }
            })
        installInterruptHandler(engine)
        let outcome = try await engine.execute()
        progress.finish(outcome)
        if let bdf {
            let report = try BDFExporter.export(store: store, runID: prepared.run.id, to: bdf)
            FileHandle.standardError.write(Data("BDF: \(report.csvPath) (\(report.sampleCount) samples)\n".utf8))
        }
        try? store.close()
        if outcome.status != .completed { throw ExitCode(3) }
    }

    /// Ctrl-C stops the run cleanly: output off, last batch committed, status `stopped`.
    private func installInterruptHandler(_ engine: StepEngine) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { engine.stop(reason: "interrupted (SIGINT)") }
        source.resume()
        InterruptSource.keep(source)
    }
}

/// Keeps the signal source alive for the life of the process.
enum InterruptSource {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    static func keep(_ s: any DispatchSourceSignal) { sources.append(s) }
}
