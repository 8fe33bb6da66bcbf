import Foundation
import EchemCore
import EchemProtocol
import EchemEngine
import EchemSim
import EchemStore

/// The repository root, found from this file's path (tests read `protocols/`).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("echem-e2e-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

struct SimulatedRun {
    var outcome: RunOutcome
    var store: RunStore
    var runID: UUID
    var program: StepProgram
}

struct CompileFailure: Error, CustomStringConvertible {
    var description: String
}

/// Compiles a protocol, runs it on a simulated channel for its cell into a real SQLite store.
func simulate(text: String, filename: String, cell: CellMetadata? = nil, loopCap: Int? = nil,
              samplePeriod: Double = 1) async throws -> SimulatedRun {
    let first = ProtocolCompiler.compile(text: text, filename: filename, options: CompileOptions(loopCountCap: loopCap))
    let cellUsed = cell ?? first.program?.cell ?? first.cell
    let channel = try SimulatedChannel.forCell(cellUsed, samplePeriod: samplePeriod)
    let result = ProtocolCompiler.compile(text: text, filename: filename, options: CompileOptions(
        cell: cellUsed, capabilities: channel.capabilities, loopCountCap: loopCap))
    guard let program = result.program else {
        throw CompileFailure(description: result.diagnostics.map(\.description).joined(separator: "\n"))
    }
    let store = try RunStore(path: temporaryDirectory().appendingPathComponent("run.sqlite").path,
                             options: StoreOptions(durability: .normal))
    let run = RunInfo(bench: "e2e", channel: "sim-1", protocolName: program.name, protocolText: text, program: program,
                      cell: program.cell, startedUnix: 1_700_000_000)
    let engine = StepEngine(program: program, run: run, channel: channel, journal: store,
                            options: EngineOptions(bench: "e2e", autoResumePauses: true))
    let outcome = try await engine.execute()
    return SimulatedRun(outcome: outcome, store: store, runID: run.id, program: program)
}

/// Every step of a program by id.
func stepsByID(_ program: StepProgram) -> [Int: Step] {
    var out: [Int: Step] = [:]
    for code in [program.instructions] + program.subroutines {
        for case .step(let s) in code { out[s.id] = s }
    }
    return out
}
