import EchemCore
import Foundation
import Testing
@testable import EchemStore

/// The writer runs in a child process (this test binary, re-launched on one test) and is killed
/// with SIGKILL while it streams batches: no close, no checkpoint, no atexit. Every batch the
/// child acknowledged must be there afterwards, with seq gap-free and the checkpoint never past
/// the samples.
@Suite("Crash: SIGKILL of a writing process loses no acknowledged batch")
struct CrashTests {
    static let childDBKey = "ECHEM_CRASH_CHILD_DB"
    static let childAckKey = "ECHEM_CRASH_CHILD_ACKS"
    static let runID = UUID(uuidString: "0c4a5e11-0000-4000-8000-00000000c0de")!
    static let batch = 200

    @Test("acknowledged batches survive SIGKILL, whole and gap-free")
    func sigkillMidStream() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let db = dir.file("store.sqlite"), acks = dir.file("acks.txt")
        #expect(FileManager.default.createFile(atPath: acks, contents: nil))

        let child = Process()
        child.executableURL = URL(fileURLWithPath: Self.testBinary())
        child.arguments = ["--testing-library", "swift-testing", "--filter", "childWriterUntilKilled"]
        var env = ProcessInfo.processInfo.environment
        env[Self.childDBKey] = db
        env[Self.childAckKey] = acks
        child.environment = env
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()

        // Let it get well into the stream, then kill it without warning.
        let deadline = Date().addingTimeInterval(60)
        while try Self.acknowledged(acks).count < 25 && Date() < deadline && child.isRunning {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(child.isRunning, "the child writer stopped before it was killed")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)

        let acked = try Self.acknowledged(acks)
        let lastAcked = try #require(acked.last)
        #expect(acked.count >= 25)

        // A new process opening the file after the crash (WAL recovery happens here).
        let store = try RunStore(path: db)
        let count = try store.sampleCount(runID: Self.runID)
        #expect(count >= lastAcked + 1, "acknowledged seq \(lastAcked) missing: only \(count) samples stored")
        var expected: Int64 = 0
        try store.forEachSample(runID: Self.runID, pageSize: 1000) { sample in
            #expect(sample.seq == expected)
            #expect(sample.testTime == Double(sample.seq))
            expected += 1
        }
        #expect(expected == count)
        // Every batch carried one event and a checkpoint at its end: all or nothing.
        #expect(count % Int64(Self.batch) == 0)
        #expect(try store.events(runID: Self.runID).count == Int(count) / Self.batch)
        #expect(try store.latestCheckpoint(runID: Self.runID)?.nextSeq == count)
    }

    /// The child side: enabled only inside the process `sigkillMidStream` launches.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[CrashTests.childDBKey] != nil))
    func childWriterUntilKilled() async throws {
        let env = ProcessInfo.processInfo.environment
        let dbPath = try #require(env[Self.childDBKey])
        let ackPath = try #require(env[Self.childAckKey])
        let store = try RunStore(path: dbPath)
        let ackFile = try #require(FileHandle(forWritingAtPath: ackPath))
        let run = RunInfo(id: Self.runID, bench: "crash", channel: "ch1", protocolName: "crash", protocolText: "",
                          program: StepProgram(name: "crash", source: "<crash>", instructions: []), cell: nil,
                          startedUnix: 0)
        try await store.begin(run)
        var seq: Int64 = 0
        let stop = Date().addingTimeInterval(120)  // never outlive a parent that died itself
        while Date() < stop {
            let samples = (0..<Self.batch).map { k in StoreBenchmark.benchSample(seq + Int64(k)) }
            seq += Int64(Self.batch)
            try await store.commit(runID: Self.runID, samples: samples, steps: [],
                                   events: [RunEvent(testTime: Double(seq), kind: "batch", message: "to \(seq)")],
                                   spectra: [], checkpoint: EngineCheckpoint(pc: 0, nextSeq: seq))
            // Acknowledge only after commit returned, as the engine streams only stored samples.
            try ackFile.write(contentsOf: Data("\(seq - 1)\n".utf8))
        }
    }

    /// Complete lines only: the child may die halfway through writing one.
    static func acknowledged(_ path: String) throws -> [Int64] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .dropLast(text.hasSuffix("\n") ? 0 : 1)
            .compactMap { Int64($0) }
    }

    static func testBinary() -> String {
        #if os(Linux)
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return exe }
        #endif
        return CommandLine.arguments[0]
    }
}
