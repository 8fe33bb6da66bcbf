import EchemCore
import Foundation
import Testing
@testable import EchemStore

@Suite("Durability: an acknowledged batch is stored, whole, with its checkpoint")
struct DurabilityTests {
    @Test("FULL by default, NORMAL on request; WAL with a bounded journal")
    func pragmas() throws {
        let dir = try TempDir(); defer { dir.remove() }
        func settings(_ options: StoreOptions) throws -> StoreSettings {
            try RunStore(path: dir.file("\(options.durability).sqlite"), options: options).settings()
        }
        #expect(try settings(StoreOptions()) ==
                StoreSettings(journalMode: "wal", synchronous: 2, journalSizeLimit: 32 << 20))  // 2 = FULL
        #expect(try settings(StoreOptions(durability: .normal, journalSizeLimit: 1 << 20)) ==
                StoreSettings(journalMode: "wal", synchronous: 1, journalSizeLimit: 1 << 20))  // 1 = NORMAL
    }

    @Test("once commit returns, a second, independent store on the file reads the batch (writer still open)")
    func visibleToIndependentOpener() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let path = dir.file("store.sqlite")
        let run = SyntheticRun(samplesPerStep: 10, cycles: 1)
        let writer = try RunStore(path: path)
        try await run.store(into: writer, batch: 8, finish: false)
        // The writer is neither closed nor checkpointed: the batches live in its WAL.
        let reader = try RunStore(path: path)
        #expect(try reader.samples(runID: run.info.id, limit: 100) == run.samples)
        #expect(try reader.latestCheckpoint(runID: run.info.id)?.nextSeq == 30)
        withExtendedLifetime(writer) {}
    }

    @Test("a checkpoint pointing past the stored samples is refused, and the whole batch with it")
    func checkpointNeverAhead() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 10, cycles: 1)
        try await store.begin(run.info)
        try await store.commit(runID: run.info.id, samples: Array(run.samples[0..<10]), steps: [], events: [],
                               spectra: [], checkpoint: run.checkpoint(afterSamples: 10))
        await #expect(throws: StoreError.checkpointAhead(runID: run.info.id, nextSeq: 25, stored: 20)) {
            try await store.commit(runID: run.info.id, samples: Array(run.samples[10..<20]), steps: [run.steps[1]],
                                   events: [run.events[0]], spectra: [], checkpoint: run.checkpoint(afterSamples: 25))
        }
        // Nothing of the refused batch landed: same transaction.
        #expect(try store.sampleCount(runID: run.info.id) == 10)
        #expect(try store.steps(runID: run.info.id).isEmpty)
        #expect(try store.events(runID: run.info.id).isEmpty)
        #expect(try store.latestCheckpoint(runID: run.info.id)?.nextSeq == 10)
    }

    @Test("a batch that would leave a seq gap (or repeat one) is refused whole")
    func seqHasNoGaps() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 10, cycles: 1)
        try await store.begin(run.info)
        try await store.commit(runID: run.info.id, samples: Array(run.samples[0..<5]), steps: [], events: [],
                               spectra: [], checkpoint: nil)
        await #expect(throws: StoreError.sequenceGap(runID: run.info.id, expected: 5, got: 6)) {
            try await store.commit(runID: run.info.id, samples: Array(run.samples[6..<9]), steps: [],
                                   events: [run.events[0]], spectra: [], checkpoint: nil)
        }
        await #expect(throws: StoreError.sequenceGap(runID: run.info.id, expected: 5, got: 3)) {
            try await store.commit(runID: run.info.id, samples: Array(run.samples[3..<9]), steps: [], events: [],
                                   spectra: [], checkpoint: nil)
        }
        var skipping = Array(run.samples[5..<9])
        skipping.remove(at: 2)
        await #expect(throws: StoreError.sequenceGap(runID: run.info.id, expected: 7, got: 8)) {
            try await store.commit(runID: run.info.id, samples: skipping, steps: [], events: [], spectra: [],
                                   checkpoint: nil)
        }
        #expect(try store.sampleCount(runID: run.info.id) == 5)
        #expect(try store.events(runID: run.info.id).isEmpty)
    }

    @Test("finish truncates the WAL to zero bytes; so does every Nth commit")
    func walTruncation() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let path = dir.file("store.sqlite")
        func walBytes() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? -1
        }
        let store = try RunStore(path: path, options: StoreOptions(truncateCheckpointEveryCommits: 3))
        let run = SyntheticRun(samplesPerStep: 10, cycles: 1)
        try await store.begin(run.info)
        try await store.commit(runID: run.info.id, samples: Array(run.samples[0..<10]), steps: [], events: [],
                               spectra: [], checkpoint: nil)
        try await store.commit(runID: run.info.id, samples: Array(run.samples[10..<20]), steps: [], events: [],
                               spectra: [], checkpoint: nil)
        #expect(try walBytes() > 0)
        try await store.commit(runID: run.info.id, samples: Array(run.samples[20..<30]), steps: [], events: [],
                               spectra: [], checkpoint: nil)
        #expect(try walBytes() == 0)
        try await store.commit(runID: run.info.id, samples: [], steps: [run.steps[0]], events: [], spectra: [],
                               checkpoint: nil)
        #expect(try walBytes() > 0)
        try await store.finish(runID: run.info.id, status: .completed, reason: "done", testTime: 10)
        #expect(try walBytes() == 0)
        #expect(try store.sampleCount(runID: run.info.id) == 30)
    }

    @Test("a NaN reading fails its batch loudly (SQLite would store NULL), and the next batch still commits")
    func nanIsRefused() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 10, cycles: 1)
        try await store.begin(run.info)
        var bad = Array(run.samples[0..<10])
        bad[4].volts = .nan
        await #expect(throws: (any Error).self) {
            try await store.commit(runID: run.info.id, samples: bad, steps: [], events: [], spectra: [], checkpoint: nil)
        }
        #expect(try store.sampleCount(runID: run.info.id) == 0)
        try await store.commit(runID: run.info.id, samples: Array(run.samples[0..<10]), steps: [], events: [],
                               spectra: [], checkpoint: nil)
        #expect(try store.samples(runID: run.info.id) == Array(run.samples[0..<10]))
    }
}
