import ArgumentParser
import Foundation
import EchemCore
import EchemProtocol
import EchemStore

/// Everything a simulation needs before the engine starts: the compiled program, the cell,
/// the simulated channel, the run record, and (when resuming) the checkpoint.
struct PreparedRun {
    var program: StepProgram
    var cell: CellMetadata?
    var channel: any Channel
    var run: RunInfo
    var checkpoint: EngineCheckpoint?

    static func fresh(file: String, options: Simulate) throws -> PreparedRun {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ValidationError("\(file): cannot read (\(error.localizedDescription))")
        }
        // Two passes: the first finds the file's own cell (the base that flags and --cell refine),
        // which sizes the simulated channel; the second checks the program against that channel.
        let first = ProtocolCompiler.compile(text: text, filename: file,
                                             options: CompileOptions(loopCountCap: options.loopCap))
        let cell = try options.cellOptions.resolve(base: first.program?.cell ?? first.cell)
        let sim = try SimulatedBench.channel(for: cell, speed: options.speed, samplePeriod: options.samplePeriod,
                                             noise: options.noise)
        let result = ProtocolCompiler.compile(text: text, filename: file, options: CompileOptions(
            cell: cell, capabilities: sim.capabilities, loopCountCap: options.loopCap))
        for d in result.diagnostics { printError(d.description) }
        guard let program = result.program, !result.hasErrors else {
            if result.needsCell {
                printError("\(file): this protocol needs cell metadata: give --cell CELL.yaml or --chemistry/--mass/--nominal")
            }
            throw ExitCode(1)
        }
        let run = RunInfo(bench: ProcessInfo.processInfo.hostName, channel: "sim-1", protocolName: program.name,
                          protocolText: text, program: program, cell: program.cell ?? cell,
                          startedUnix: Date().timeIntervalSince1970)
        return PreparedRun(program: program, cell: program.cell ?? cell, channel: sim, run: run, checkpoint: nil)
    }

    static func resuming(_ prefix: String, store: RunStore, options: Simulate) throws -> PreparedRun {
        let stored = try store.run(prefix: prefix)
        guard stored.status == .running || stored.status == .paused else {
            throw ValidationError("run \(stored.info.id) has status \(stored.status.rawValue); only an interrupted run can resume")
        }
        guard let checkpoint = try store.latestCheckpoint(runID: stored.info.id) else {
            throw ValidationError("run \(stored.info.id) has no checkpoint to resume from")
        }
        let snapshot = SimSnapshotFile(path: options.db + ".cell-\(stored.info.id.uuidString.lowercased()).json")
        let sim: any Channel
        if let restored = snapshot.load() {
            sim = restored
        } else {
            printError("warning: no saved state of the simulated cell; it restarts from its initial state")
            sim = try SimulatedBench.channel(for: stored.info.cell, speed: options.speed,
                                             samplePeriod: options.samplePeriod, noise: options.noise)
        }
        return PreparedRun(program: stored.info.program, cell: stored.info.cell, channel: sim, run: stored.info,
                           checkpoint: checkpoint)
    }
}
