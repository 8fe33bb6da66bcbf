import EchemCore
import Foundation
import Testing
@testable import EchemStore

@Suite("Round trip: what the engine commits is what readers get back")
struct RoundTripTests {
    @Test("every sample column comes back bit-identical, nil temperature included")
    func everySampleColumn() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        var run = SyntheticRun(samplesPerStep: 8, cycles: 1)
        run.samples[3].celsius = nil
        run.samples[4].volts = 3.141592653589793
        run.samples[4].amperes = -1.0000000000000002e-7
        run.samples[4].unixTime = 1_718_000_000.123456789
        try await run.store(into: store, batch: 5)

        let back = try store.samples(runID: run.info.id, fromSeq: 0, limit: 1000)
        #expect(back == run.samples)
        #expect(back[3].celsius == nil)
        #expect(back[4].volts.bitPattern == 3.141592653589793.bitPattern)
    }

    @Test("run info round-trips: bench, channel, protocol text, program and cell as JSON")
    func runInfo() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 3, cycles: 1)
        try await run.store(into: store, finish: false)

        let stored = try store.run(id: run.info.id)
        #expect(stored.info == run.info)
        #expect(stored.status == .running)
        #expect(stored.reason == nil && stored.finishedUnix == nil && stored.endedTestTime == nil)

        try await store.finish(runID: run.info.id, status: .safetyStop, reason: "safety: V > 3.3 V", testTime: 12.5)
        let done = try store.run(id: run.info.id)
        #expect(done.status == .safetyStop)
        #expect(done.reason == "safety: V > 3.3 V")
        #expect(done.endedTestTime == 12.5)
        #expect(done.finishedUnix != nil)
    }

    @Test("a run without cell metadata stores NULL and reads back nil")
    func runWithoutCell() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        var run = SyntheticRun(samplesPerStep: 2, cycles: 1)
        run.info.cell = nil
        try await store.begin(run.info)
        #expect(try store.run(id: run.info.id).info.cell == nil)
        #expect(try store.runs().first?.cellName == nil)
    }

    @Test("step rows: a step_start row is completed by its step_end, and a late start never undoes an end")
    func stepUpsert() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 6, cycles: 2)
        try await run.store(into: store, batch: 4)
        #expect(try store.steps(runID: run.info.id) == run.steps)

        // A resumed engine re-announcing step 1's start must not erase how it ended.
        var restart = run.steps[0]
        restart.endTestTime = nil; restart.endReason = nil; restart.capacity = 0; restart.energy = 0
        try await store.commit(runID: run.info.id, samples: [], steps: [restart], events: [], spectra: [],
                               checkpoint: nil)
        #expect(try store.steps(runID: run.info.id)[0] == run.steps[0])
    }

    @Test("events keep commit order; spectra keep index and point order")
    func eventsAndSpectra() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 5, cycles: 2)
        try await run.store(into: store, batch: 7)
        #expect(try store.events(runID: run.info.id) == run.events)
        #expect(try store.spectra(runID: run.info.id) == run.spectra)
        #expect(run.spectra[0].points.count == 13)
    }

    @Test("the latest checkpoint wins and decodes to the engine's exact position")
    func latestCheckpoint() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 5, cycles: 1)
        #expect(throws: StoreError.unknownRun(RunKey.text(run.info.id))) { try store.latestCheckpoint(runID: run.info.id) }
        try await run.store(into: store, batch: 4)
        #expect(try store.latestCheckpoint(runID: run.info.id) == run.checkpoint(afterSamples: run.samples.count))
    }

    @Test("lastSeq and sampleCount follow the gap-free seq; paging by fromSeq/limit")
    func counting() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 10, cycles: 1)
        try await store.begin(run.info)
        #expect(try store.lastSeq(runID: run.info.id) == nil)
        #expect(try store.sampleCount(runID: run.info.id) == 0)
        try await run.store(into: store, batch: 7)
        #expect(try store.lastSeq(runID: run.info.id) == 29)
        #expect(try store.sampleCount(runID: run.info.id) == 30)
        #expect(try store.samples(runID: run.info.id, fromSeq: 10, limit: 5) == Array(run.samples[10..<15]))
        #expect(try store.samples(runID: run.info.id, fromSeq: 28, limit: 5).map(\.seq) == [28, 29])
    }

    @Test("runs() lists newest first with bench, channel, cell name, status and sample count")
    func listing() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let older = SyntheticRun(samplesPerStep: 4, cycles: 1)
        var newer = SyntheticRun(samplesPerStep: 2, cycles: 1)
        newer.info.startedUnix += 3600
        newer.info.channel = "ch2"
        try await older.store(into: store)
        try await newer.store(into: store, finish: false)

        let rows = try store.runs()
        #expect(rows.map(\.id) == [newer.info.id, older.info.id])
        #expect(rows[0].channel == "ch2" && rows[0].bench == "bench-7")
        #expect(rows[0].status == .running && rows[1].status == .completed)
        #expect(rows[1].reason == "program end")
        #expect(rows[0].sampleCount == 6 && rows[1].sampleCount == 12)
        #expect(rows[1].cellName == "ZnS-A7" && rows[1].protocolName == "cc-cycling")
    }

    @Test("begin on a stored run resumes it: running again, data and start time kept")
    func beginTwiceResumes() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 3, cycles: 1)
        try await run.store(into: store)
        var again = run.info
        again.startedUnix += 100
        try await store.begin(again)
        let stored = try store.run(id: run.info.id)
        #expect(stored.status == .running && stored.reason == nil)
        #expect(stored.info.startedUnix == run.info.startedUnix)
        #expect(try store.sampleCount(runID: run.info.id) == 9)
    }

    @Test("unknown runs are named in the error")
    func unknownRun() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let id = UUID()
        #expect(throws: StoreError.unknownRun(RunKey.text(id))) { try store.run(id: id) }
        await #expect(throws: StoreError.unknownRun(RunKey.text(id))) {
            try await store.commit(runID: id, samples: [], steps: [], events: [], spectra: [], checkpoint: nil)
        }
        await #expect(throws: StoreError.unknownRun(RunKey.text(id))) {
            try await store.finish(runID: id, status: .stopped, reason: "x", testTime: 0)
        }
    }
}
