import EchemCore
import EchemStore
import Foundation
import Synchronization
import Testing
@testable import EchemDaemon

/// Records what the hub sends. The queue it reports can be held full, which stalls the backfill
/// thread so live pages published meanwhile are held: the seam case, made deterministic.
private final class RecordingSink: LiveSink {
    struct State {
        var lines: [String] = []
        var stalled = true
    }
    let state = Mutex(State())

    func send(_ client: UInt64, _ line: String) -> Bool {
        state.withLock { $0.lines.append(line) }
        return true
    }

    func queuedBytes(_ client: UInt64) -> Int? { state.withLock { $0.stalled ? Int.max : 0 } }

    var lines: [String] { state.withLock { $0.lines } }
}

@Suite("Live hub backfill seam")
struct LiveHubBackfillTests {
    static func samples(_ range: Range<Int64>) -> [Sample] {
        range.map { Sample(seq: $0, testTime: Double($0), unixTime: 1_800_000_000 + Double($0), stepTime: Double($0),
                           volts: 3.0 + 1e-4 * Double($0), amperes: 1e-3, stepID: 1, stepCount: 1, cycle: 1) }
    }

    @Test("backfill_done names where the backfill ended, even when held live pages go further")
    func seamNextSeq() async throws {
        let dir = temporaryDirectory("hub-seam")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try RunStore(path: dir + "/store.sqlite")
        let program = StepProgram(name: "cc", source: "inline", instructions: [
            .step(Step(id: 1, summary: "Charge at 1 mA", control: .current(amperes: 1e-3))),
        ])
        let info = RunInfo(bench: "test", channel: "cyc-1", protocolName: "cc", protocolText: "", program: program,
                           cell: nil, startedUnix: 1_800_000_000)
        try await store.begin(info)
        try await store.commit(runID: info.id, samples: Self.samples(0..<100), steps: [], events: [], spectra: [],
                               checkpoint: nil)

        let sink = RecordingSink()
        let hub = LiveHub(sink: sink)
        let id = hub.newSubscriptionID()
        hub.subscribe(id: id, client: 1, filter: SubscriptionFilter(run: info.id),
                      backfill: (run: info.id, channel: "cyc-1", fromSeq: 10), store: store)
        // Live pages while the backfill is stalled: one overlapping what is stored, one beyond it.
        hub.publish(.samples(SamplePage(run: info.id, channel: "cyc-1", samples: Self.samples(90..<120), backfill: false)))
        hub.publish(.samples(SamplePage(run: info.id, channel: "cyc-1", samples: Self.samples(120..<150), backfill: false)))
        sink.state.withLock { $0.stalled = false }

        try await waitUntil(20, "backfill_done") { sink.lines.contains { $0.contains("\"backfill_done\"") } }
        let docs = sink.lines.compactMap(parse)
        let done = try #require(docs.first { $0["type"] as? String == "backfill_done" })
        #expect(done["samples"] as? Int == 90, "seq 10…99 come from the store")
        #expect(done["next_seq"] as? Int == 100, "the first seq after the backfill, not after the held pages")

        // Every seq from 10 to 149 exactly once, backfill pages before the marker, live after.
        var seen: [Int64] = []
        var afterMarker = false
        for d in docs {
            if d["type"] as? String == "backfill_done" { afterMarker = true; continue }
            guard d["type"] as? String == "samples" else { continue }
            #expect((d["backfill"] as? Bool) == !afterMarker)
            seen += seqs(of: d)
        }
        #expect(seen == Array(10..<150))
    }
}
