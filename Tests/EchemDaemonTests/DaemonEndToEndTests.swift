import EchemCore
import EchemPlatform
import EchemStore
import Foundation
import Synchronization
import Testing

/// Reads a subscriber's documents on its own thread, as a live client would.
final class Reader: Sendable {
    struct Seen {
        var seqs: [Int64] = []
        var types: [String] = []
        var dropped = false
        var closed = false
    }

    let seen = Mutex(Seen())
    let client: UnixLineClient

    init(_ client: UnixLineClient) {
        self.client = client
        Thread.detachNewThread { [self] in
            while true {
                do {
                    guard let line = try client.readLine(timeout: .seconds(1)) else {
                        seen.withLock { $0.closed = true }
                        return
                    }
                    guard let doc = parse(line) else { continue }
                    let type = doc["type"] as? String ?? ""
                    let s = seqs(of: doc)
                    seen.withLock {
                        $0.types.append(type)
                        $0.seqs.append(contentsOf: s)
                        if type == "dropped" { $0.dropped = true }
                    }
                } catch {
                    if (error as? UnixLineClient.Error) == .timedOut { continue }
                    seen.withLock { $0.closed = true }
                    return
                }
            }
        }
    }

    var lastSeq: Int64 { seen.withLock { $0.seqs.last ?? -1 } }
    var snapshot: Seen { seen.withLock { $0 } }
}

func storeLastSeq(_ path: String) -> (UUID, Int64)? {
    guard let store = try? RunStore(path: path), let run = try? store.runs().first,
          let last = try? store.lastSeq(runID: run.id) else { return nil }
    return (run.id, last)
}

@Suite("echemd end to end: queue folder, live socket, SIGKILL and resume", .serialized)
struct DaemonEndToEndTests {
    static let seed = "protocols/seed-000/0-3-zns-long-cycling.yaml"

    @Test("Drop files, watch with a fast and a slow client, SIGKILL mid-run, restart: the run resumes with no holes")
    func queueSocketCrashResume() async throws {
        // A small client buffer, so the slow client is dropped within seconds.
        let daemon = DaemonProcess(state: temporaryDirectory("e2e"), extraArguments: ["--client-buffer", "262144"])
        try await daemon.start(speed: "20000")
        defer { daemon.kill(SIGKILL) }

        // An invalid file is rejected with a located error beside it.
        try daemon.drop("echemd: 1\nname: broken\nsteps:\n  - rest: 10 parsecs\n", as: "broken.yaml")
        // Editor and partial files are never claimed.
        try "half".write(toFile: daemon.incoming + "/.zns.yaml.swp", atomically: false, encoding: .utf8)

        let fastClient = try daemon.connect(), slowClient = try daemon.connect()
        for c in [fastClient, slowClient] {
            #expect(try request(c, ["op": "subscribe", "channel": "cyc-1"])["ok"] as? Bool == true)
        }
        let fast = Reader(fastClient)
        let proto = try String(contentsOfFile: repositoryRoot.path + "/" + Self.seed, encoding: .utf8)
        try daemon.drop(proto, as: "zns.yaml")

        try await waitUntil(20, "broken.yaml in rejected/") {
            FileManager.default.fileExists(atPath: daemon.state + "/queue/rejected/broken.yaml.error")
        }
        let error = try String(contentsOfFile: daemon.state + "/queue/rejected/broken.yaml.error", encoding: .utf8)
        #expect(error.contains("broken.yaml:4:"), "the error names the file and line: \(error)")
        #expect(error.contains("error:"))
        #expect(FileManager.default.fileExists(atPath: daemon.state + "/queue/rejected/broken.yaml"), "nothing dropped is deleted")
        #expect(FileManager.default.fileExists(atPath: daemon.incoming + "/.zns.yaml.swp"), "a temporary file is left alone")
        try await waitUntil(20, "zns.yaml in accepted/") {
            FileManager.default.fileExists(atPath: daemon.state + "/queue/accepted/zns.yaml")
        }

        // The slow client never reads: once its buffer is full it is dropped with a notice,
        // while the fast client keeps up with what the store has committed.
        // 20 000× with one stored sample per 10 s (the protocol's record rule): ~2 000 samples/s.
        try await waitUntil(120, "the fast client to receive 20 000 samples") { fast.lastSeq > 20_000 }
        let (runID, committed) = try #require(storeLastSeq(daemon.storePath))
        let lag = committed - fast.lastSeq
        #expect(lag < 6_000, "the fast client lags the store by \(lag) samples (3 s of data)")
        // A client that never reads cannot be sent a notice (its socket is full); it is
        // disconnected, which its next write discovers. (A slow but reading client gets the
        // `dropped` notice first: EchemPlatformTests covers that at the server.)
        var slowDisconnected = false
        for _ in 0..<100 where !slowDisconnected {
            do { try slowClient.send(#"{"v":1,"op":"ping"}"#) } catch { slowDisconnected = true }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(slowDisconnected, "the slow client was dropped")
        let fastSeen = fast.snapshot
        #expect(!fastSeen.dropped)
        #expect(fastSeen.seqs == Array(fastSeen.seqs.first!...fastSeen.seqs.last!), "the fast client saw every sample once, in order")

        // SIGKILL mid-run: everything committed survives.
        daemon.kill(SIGKILL)
        let store = try RunStore(path: daemon.storePath)
        let beforeCount = try store.sampleCount(runID: runID)
        let checkpoint = try #require(try store.latestCheckpoint(runID: runID))
        #expect(checkpoint.nextSeq == beforeCount, "the checkpoint covers exactly the committed samples")
        #expect(try store.run(id: runID).status == .running)
        try store.close()

        // Restart (with the default 4 MiB client buffer): the run resumes from its checkpoint
        // on the same channel.
        let restarted = DaemonProcess(state: daemon.state)
        try await restarted.start(speed: "20000")
        defer { restarted.kill(SIGKILL) }
        let watcher = try restarted.connect()
        let reply = try request(watcher, ["op": "subscribe", "run": String(runID.uuidString.prefix(8)), "from_seq": 0])
        #expect(reply["ok"] as? Bool == true)
        let follow = Reader(watcher)
        try await waitUntil(60, "resumed samples beyond the crash") { (storeLastSeq(restarted.storePath)?.1 ?? 0) > beforeCount + 5_000 }
        try await waitUntil(60, "the watcher's backfill to finish") { follow.snapshot.types.contains("backfill_done") }
        // Then it follows live: it catches up with whatever the store holds (re-read each time).
        do {
            try await waitUntil(60, "the watcher to catch up with the store live") {
                follow.lastSeq >= (storeLastSeq(restarted.storePath)?.1 ?? .max) && follow.lastSeq > beforeCount + 5_000
            }
        } catch {
            let s = follow.snapshot
            Issue.record("watcher at \(follow.lastSeq), store at \(storeLastSeq(restarted.storePath)?.1 ?? -1), before \(beforeCount), closed \(s.closed), dropped \(s.dropped), types \(Set(s.types))")
            throw error
        }
        let seen = follow.snapshot
        #expect(seen.seqs.first == 0)
        #expect(seen.seqs == Array(0...seen.seqs.last!), "backfill then live: no gap and no duplicate at the seam")

        let control = try restarted.connect()
        let queue = try request(control, ["op": "queue"])
        let job = try #require((queue["jobs"] as? [[String: Any]])?.first { $0["name"] as? String == "zns.yaml" })
        #expect(job["state"] as? String == "running")
        #expect((job["reason"] as? String ?? "").contains("resumed"))

        let cancel = try request(control, ["op": "cancel", "target": "cyc-1"])
        #expect(cancel["ok"] as? Bool == true, "\(cancel)")
        try await waitUntil(20, "the job to be cancelled") {
            let jobs = try request(control, ["op": "queue"])["jobs"] as? [[String: Any]] ?? []
            return jobs.first { $0["name"] as? String == "zns.yaml" }?["state"] as? String == "cancelled"
        }
        restarted.kill(SIGTERM)
        #expect(restarted.exitStatus == 0, "SIGTERM is a clean stop; log:\n\(restarted.log)")

        let after = try RunStore(path: restarted.storePath)
        let count = try after.sampleCount(runID: runID)
        let last = try #require(try after.lastSeq(runID: runID))
        #expect(count == last + 1, "committed sample sequence numbers have no holes")
        #expect(try after.run(id: runID).status == .stopped)
        #expect(try after.events(runID: runID).contains { $0.kind == "resume" })
    }

    @Test("SIGTERM commits the batch and leaves the run resumable; the next start resumes it")
    func sigtermThenResume() async throws {
        let daemon = DaemonProcess(state: temporaryDirectory("term"))
        try await daemon.start(speed: "20000")
        defer { daemon.kill(SIGKILL) }
        let proto = try String(contentsOfFile: repositoryRoot.path + "/" + Self.seed, encoding: .utf8)
        try daemon.drop(proto, as: "zns.yaml")
        try await waitUntil(60, "samples in the store") { (storeLastSeq(daemon.storePath)?.1 ?? 0) > 5_000 }
        daemon.kill(SIGTERM)
        #expect(daemon.exitStatus == 0)
        let store = try RunStore(path: daemon.storePath)
        let run = try #require(try store.runs().first)
        let count = try store.sampleCount(runID: run.id)
        #expect(try store.latestCheckpoint(runID: run.id)?.nextSeq == count, "the last batch was committed with its checkpoint")
        #expect(run.status == .running, "an interrupted run is not finished")
        try store.close()

        try await daemon.start(speed: "20000")
        try await waitUntil(60, "the resumed run to grow") { (storeLastSeq(daemon.storePath)?.1 ?? 0) > count + 1_000 }
        #expect(daemon.log.contains("resumes at sample \(count)"))
    }
}

@Suite("A cycler and a potentiostat bound to one cell", .serialized)
struct BoundCellTests {
    @Test("A job naming both channels holds both, runs the CV on the potentiostat, and stores one run")
    func cyclerPlusPotentiostat() async throws {
        let daemon = DaemonProcess(state: temporaryDirectory("bound"))
        try await daemon.start(speed: "max")
        defer { daemon.kill(SIGKILL) }
        let c = try daemon.connect()
        let proto = """
        echemd: 1
        name: charge on the cycler, then a CV on the potentiostat
        cell: {name: lin, chemistry: ideal_linear, nominal_capacity: 1 mAh}
        steps:
          - Charge at C/2 for 30 minutes
          - Rest for 10 minutes
          - {sweep: {start: ocv, vertices: [3.2 V, 3.9 V], scan_rate: 1 mV/s, cycles: 1}}
          - Rest for 10 minutes
        """
        let reply = try request(c, ["op": "submit", "protocol": proto, "filename": "bound.yaml",
                                    "target": ["channel": "cyc-2", "potentiostat": "pstat-1"]])
        #expect(reply["ok"] as? Bool == true, "\(reply)")
        try await waitUntil(60, "the bound job to finish") {
            let jobs = try request(c, ["op": "queue"])["jobs"] as? [[String: Any]] ?? []
            return jobs.first?["state"] as? String == "done"
        }
        let job = try #require((try request(c, ["op": "queue"])["jobs"] as? [[String: Any]])?.first)
        #expect(job["channel"] as? String == "cyc-2")
        #expect(job["potentiostat"] as? String == "pstat-1")
        let store = try RunStore(path: daemon.storePath)
        let runID = try #require(try store.runs().first?.id)
        let steps = try store.steps(runID: runID)
        #expect(steps.map(\.kind) == [.current, .rest, .sweep, .rest])
        let samples = try store.samples(runID: runID, limit: 1_000_000)
        let sweepSamples = samples.filter { $0.stepID == steps[2].stepID }
        #expect((sweepSamples.map(\.volts).max() ?? 0) > 3.85, "the sweep reached its upper vertex")
        #expect(samples.map(\.testTime) == samples.map(\.testTime).sorted(), "one monotone time axis across both instruments")
    }
}
