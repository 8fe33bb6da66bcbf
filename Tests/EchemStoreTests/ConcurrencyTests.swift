import EchemCore
import Foundation
import Testing
@testable import EchemStore

@Suite("Readers and the writer never wait for each other")
struct ConcurrencyTests {
    @Test("a reader holding a snapshot open does not stop the writer, and keeps its snapshot")
    func openReaderDoesNotBlockWriter() throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let id = UUID()
        try store.beginSync(RunInfo(id: id, bench: "b", channel: "c", protocolName: "p", protocolText: "",
                                    program: StepProgram(name: "p", source: "", instructions: []), cell: nil,
                                    startedUnix: 0))
        try store.commitSync(runID: id, samples: (0..<100).map { StoreBenchmark.benchSample($0) })

        let writerDone = DispatchSemaphore(value: 0)
        let (before, after, writerFinished) = try store.pool.read { db -> (Int64, Int64, Bool) in
            let run = try RunKey.rowID(db, id)
            let before = try JournalWriter.storedCount(db, run: run)
            DispatchQueue.global().async {
                for b in 1...10 {
                    try? store.commitSync(runID: id, samples: (0..<100).map { StoreBenchmark.benchSample(Int64(b * 100 + $0)) })
                }
                writerDone.signal()
            }
            // Ten durable commits complete while this read transaction is still open.
            let finished = writerDone.wait(timeout: .now() + 30) == .success
            return (before, try JournalWriter.storedCount(db, run: run), finished)
        }
        #expect(writerFinished)
        #expect(before == 100 && after == 100)  // snapshot isolation inside the read
        #expect(try store.sampleCount(runID: id) == 1100)
    }

    @Test("readers polling during a stream always see whole batches and a checkpoint behind the data")
    func readersDuringWrites() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let id = UUID()
        try await store.begin(RunInfo(id: id, bench: "b", channel: "c", protocolName: "p", protocolText: "",
                                      program: StepProgram(name: "p", source: "", instructions: []), cell: nil,
                                      startedUnix: 0))
        let batches = 150, batch = 100
        let writer = Task {
            for b in 0..<batches {
                let first = Int64(b * batch)
                try await store.commit(runID: id, samples: (0..<Int64(batch)).map { StoreBenchmark.benchSample(first + $0) },
                                       steps: [], events: [], spectra: [],
                                       checkpoint: EngineCheckpoint(pc: 0, nextSeq: first + Int64(batch)))
            }
        }
        var polls = 0, last: Int64 = 0
        while polls < 2000 {
            let checkpoint = try store.latestCheckpoint(runID: id)?.nextSeq ?? 0
            let count = try store.sampleCount(runID: id)
            #expect(count % Int64(batch) == 0, "a reader saw half a batch: \(count)")
            #expect(count >= last)
            #expect(checkpoint <= count, "checkpoint \(checkpoint) ahead of \(count) stored")
            if count > 0 {
                let tail = try store.samples(runID: id, fromSeq: count - 3, limit: 10)
                #expect(tail.first?.seq == count - 3)  // more may have landed since: never fewer
            }
            last = count
            polls += 1
            if count == Int64(batches * batch) { break }
            await Task.yield()
        }
        try await writer.value
        #expect(try store.sampleCount(runID: id) == Int64(batches * batch))
        #expect(polls > 1)
    }
}
