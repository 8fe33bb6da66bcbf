import Testing
import Foundation
import EchemCore
import EchemStore

/// The built `echemctl`, beside the test bundle (or $ECHEMCTL).
func echemctlPath() -> String {
    if let p = ProcessInfo.processInfo.environment["ECHEMCTL"] { return p }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("echemctl").path
}

@discardableResult
func runEchemctl(_ args: [String], wait: Bool = true) throws -> (Process, Pipe) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: echemctlPath())
    p.arguments = args
    p.currentDirectoryURL = repositoryRoot
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    if wait {
        // Drain before waiting so a chatty child never blocks on a full pipe.
        _ = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
    }
    return (p, out)
}

@Suite("echemctl simulate survives SIGKILL", .serialized)
struct SimulateCrashTests {
    @Test("Killing simulate mid-run leaves every committed sample; --resume continues from the checkpoint")
    func killAndResume() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: echemctlPath()), "build echemctl first")
        let db = temporaryDirectory().appendingPathComponent("crash.sqlite").path
        // Real-time clock at 3000× so the run is still going when it is killed.
        let (child, pipe) = try runEchemctl(["simulate", "protocols/seed-000/0-3-zns-long-cycling.yaml", "--loop-cap", "3",
                                             "--speed", "3000", "--db", db, "--quiet"], wait: false)
        DispatchQueue.global().async { _ = pipe.fileHandleForReading.readDataToEndOfFile() }
        var stored: Int64 = 0
        for _ in 0..<200 {
            try await Task.sleep(for: .milliseconds(50))
            if FileManager.default.fileExists(atPath: db), let store = try? RunStore(path: db),
               let run = try? store.runs().first, let n = try? store.sampleCount(runID: run.id) {
                stored = n
                if n > 2000 { break }
            }
        }
        #expect(child.isRunning, "the run must still be going when it is killed")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(stored > 2000)

        let store = try RunStore(path: db)
        let run = try #require(try store.runs().first)
        #expect(run.status == .running, "a killed run is left running, to be resumed or stopped")
        let count = try store.sampleCount(runID: run.id)
        let checkpoint = try #require(try store.latestCheckpoint(runID: run.id))
        #expect(checkpoint.nextSeq == count, "the checkpoint covers exactly the committed samples")
        var seqs: [Int64] = []
        try store.forEachSample(runID: run.id) { seqs.append($0.seq) }
        #expect(seqs == Array(0..<count))
        try store.close()

        let (resumed, _) = try runEchemctl(["simulate", "--resume", String(run.id.uuidString.prefix(8)), "--db", db, "--quiet"])
        #expect(resumed.terminationStatus == 0)
        let after = try RunStore(path: db)
        let final = try after.run(id: run.id)
        #expect(final.status == .completed)
        var previous: Sample?
        var total: Int64 = 0
        try after.forEachSample(runID: run.id) { s in
            #expect(s.seq == total)
            if let p = previous { #expect(s.testTime >= p.testTime, "test time never goes back across the seam") }
            previous = s
            total += 1
        }
        #expect(total > count)
        #expect(previous!.cycle >= 4, "formation + 3 capped cycles ran to the end")
        #expect(try after.events(runID: run.id).contains { $0.kind == "resume" })
    }
}

@Suite("Job policy stop")
struct AbandonTests {
    @Test("--abandon closes an interrupted run as stopped and keeps its samples")
    func abandon() async throws {
        let db = temporaryDirectory().appendingPathComponent("abandon.sqlite").path
        let store = try RunStore(path: db)
        let program = StepProgram(name: "p", source: "p.yaml", instructions: [])
        let run = RunInfo(bench: "b", channel: "c", protocolName: "p", protocolText: "", program: program, cell: nil,
                          startedUnix: 0)
        try await store.begin(run)
        let samples = (0..<10).map { k in
            Sample(seq: Int64(k), testTime: Double(k), unixTime: Double(k), stepTime: Double(k), volts: 3, amperes: 0,
                   stepID: 1, stepCount: 1, cycle: 1)
        }
        try await store.commit(runID: run.id, samples: samples, steps: [], events: [], spectra: [],
                               checkpoint: EngineCheckpoint(pc: 0, nextSeq: 10))
        try store.close()

        let (p, _) = try runEchemctl(["simulate", "--abandon", String(run.id.uuidString.prefix(6)), "--db", db])
        #expect(p.terminationStatus == 0)
        let after = try RunStore(path: db)
        let stored = try after.run(id: run.id)
        #expect(stored.status == .stopped)
        #expect(stored.reason?.contains("policy stop") == true)
        #expect(try after.sampleCount(runID: run.id) == 10)
    }
}
