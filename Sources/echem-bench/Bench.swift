import Foundation
import EchemCore
import EchemProtocol
import EchemEngine
import EchemSim
import EchemStore

// echem-bench: performance figures for docs/performance.md. Run in release:
//   swift run -c release echem-bench all
//   swift run -c release echem-bench simulate [cycles]    (default 1000)
//   swift run -c release echem-bench store [samples]      (default 1 000 000)
//   swift run -c release echem-bench sim                  (cell-model steps per second)
//   swift run -c release echem-bench daemon --channels N --rate 10Hz --clients 10 [--seconds S] [--durability full|normal]

/// A journal that keeps nothing: isolates engine + simulator cost from the store's.
final class NullJournal: RunJournal, Sendable {
    func begin(_ run: RunInfo) async throws {}
    func commit(runID: UUID, samples: [Sample], steps: [StepRecord], events: [RunEvent], spectra: [ImpedanceSpectrum],
                checkpoint: EngineCheckpoint?) async throws {}
    func finish(runID: UUID, status: RunStatus, reason: String, testTime: Double) async throws {}
}

func tempPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("echem-bench-\(UUID().uuidString)-\(name)").path
}

/// Seed row 0-3 (ZnS anode: one cycle at 140 mA/g, then 840 mA/g) with its long loop set to `cycles − 1`.
func zns1000Program(cycles: Int) throws -> (StepProgram, SimulatedChannel) {
    let path = "protocols/seed-000/0-3-zns-long-cycling.yaml"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let result = ProtocolCompiler.compile(text: text, filename: path)
    guard var program = result.program else {
        throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: result.diagnostics.map(\.description).joined(separator: "\n")])
    }
    // The benchmark stretches the main loop in the compiled program; the file is unchanged.
    var longest = (index: -1, count: 0)
    for (i, ins) in program.instructions.enumerated() {
        if case .loopBegin(let lb) = ins, case .counted(let n) = lb.kind, n > longest.count { longest = (i, n) }
    }
    if longest.index >= 0, case .loopBegin(var lb) = program.instructions[longest.index] {
        lb.kind = .counted(count: cycles - 1)
        program.instructions[longest.index] = .loopBegin(lb)
    }
    // "At 1 s recording": every sample of the 1 s channel is stored, whatever the file's own rule.
    program.record = RecordingRule(everySeconds: 1)
    program.instructions = program.instructions.map { ins in
        guard case .step(var s) = ins else { return ins }
        s.record = nil
        return .step(s)
    }
    let channel = try SimulatedChannel.forCell(program.cell, samplePeriod: 1)
    return (program, channel)
}

func benchSimulate(cycles: Int, journal: any RunJournal, label: String) async throws -> String {
    let (program, channel) = try zns1000Program(cycles: cycles)
    let run = RunInfo(bench: "bench", channel: "sim", protocolName: program.name, protocolText: "", program: program,
                      cell: program.cell, startedUnix: 0)
    let engine = StepEngine(program: program, run: run, channel: channel, journal: journal,
                            options: EngineOptions(bench: "bench", batchSize: 4096, flushSeconds: 1e9))
    let start = Date()
    let outcome = try await engine.execute()
    let wall = Date().timeIntervalSince(start)
    return String(format: "| %@ | %d cycles, %lld samples at 1 s | %.2f s | %.0f samples/s |", label, outcome.cycle - 1,
                  outcome.samplesStored, wall, Double(outcome.samplesStored) / wall)
}

@main
struct Bench {
    static func main() async throws {
        let args = CommandLine.arguments.dropFirst()
        let what = args.first ?? "all"
        if what == "daemon" {
            print("| benchmark | CPU | memory | latency | delivery |")
            print("|---|---|---|---|---|")
            print(try DaemonBench(arguments: Array(args.dropFirst())).run())
            return
        }
        if what == "modbus" {
            let seconds = args.dropFirst().first.flatMap(Double.init) ?? 5
            print("| Modbus bus (EA PSB profile, FC03 one register) | transactions | rate | p50 latency | p99 latency | capacity (3 reads a reading) |")
            print("|---|---|---|---|---|---|")
            for row in try await ModbusBench.run(seconds: seconds, profilePath: "drivers/ea-psb-10000.toml") { print(row) }
            return
        }
        let n = args.dropFirst().first.flatMap(Int.init)
        print("| benchmark | workload | time | rate |")
        print("|---|---|---|---|")
        if what == "simulate" || what == "all" {
            print(try await benchSimulate(cycles: n ?? 1000, journal: NullJournal(), label: "engine + simulator, row 0-3"))
            let db = tempPath("simulate.sqlite")
            let store = try RunStore(path: db, options: StoreOptions(durability: .full))
            print(try await benchSimulate(cycles: n ?? 1000, journal: store,
                                          label: "engine + simulator + store (FULL), row 0-3"))
            try? store.close()
            let fast = try RunStore(path: tempPath("simulate-normal.sqlite"), options: StoreOptions(durability: .normal))
            print(try await benchSimulate(cycles: n ?? 1000, journal: fast,
                                          label: "engine + simulator + store (NORMAL), row 0-3"))
            try? fast.close()
        }
        if what == "store" || what == "all" {
            let count = n ?? 1_000_000
            for durability in [StoreOptions.Durability.full, .normal] {
                let rate = try StoreBenchmark.samplesPerSecond(path: tempPath("store.sqlite"), batch: 1000, count: count,
                                                               durability: durability)
                print(String(format: "| store, durable batches of 1000 (%@) | %d samples | %.2f s | %.0f samples/s |",
                             durability.rawValue, count, Double(count) / rate, rate))
            }
        }
        if what == "sim" || what == "all" {
            let steps = n ?? 2_000_000
            let rate = try SimBenchmark.stepsPerSecond(steps: steps)
            print(String(format: "| cell model step (ZnS set, diffusion element) | %d steps | %.2f s | %.0f steps/s |",
                         steps, Double(steps) / rate, rate))
        }
    }
}
