import EchemCore
@testable import EchemDaemon
import EchemDrivers
import EchemPlatform
import EchemStore
import EchemTestSupport
import Foundation
import Testing

/// echemd supervising a Neware tester: a real `echem-sim neware` process (a BTS Client on TCP)
/// runs the step file echemd compiled and wrote to the shared folder; echemd polls and downloads.
@Suite("echemd on the Neware BTS simulator: supervisor mode", .serialized)
struct NewareBenchTests {
    static let seed = "protocols/seed-001/1-1-lis-1c-cycling-with-activation.yaml"

    /// Row 1-1 with 2 of its 197 1C cycles: 2 × 0.1C, 1 × 0.2C, 2 × 1C.
    static func protocolText(longCycles: Int = 2) throws -> String {
        try String(contentsOfFile: repositoryRoot.path + "/" + seed, encoding: .utf8)
            .replacingOccurrences(of: "count: 197", with: "count: \(longCycles)")
    }

    /// The BTS machine's drive D: is `STATE/bts`; echemd writes step files to its `echemd/steps`
    /// folder and names them `D:\echemd\steps\…` to the BTS Client.
    static func simulator(state: String, speed: [String]) -> SimulatorProcess {
        SimulatorProcess(["neware", "--port", "0", "--devices", "1", "--cell", seed, "--units", "mA",
                          "--step-root", state + "/bts", "--sample-period", "1s", "--max-current", "50mA"] + speed,
                         log: state + "/sim-neware.log")
    }

    static func config(state: String, bts: String) -> String {
        """
        bench = "neware-e2e"
        [simulation]
        speed = "max"
        sample_period = "1 s"

        [[channels]]
        id = "ref"
        driver = "sim-cycler"
        limits = { min_voltage = "0 V", max_voltage = "5 V", max_current = "10 mA" }

        [[channels]]
        id = "nw-3"
        driver = "neware"
        address = "\(bts)"
        channel = "1-1-3"
        units = "mA"
        step_folder = "\(state)/bts/echemd/steps"
        step_folder_remote = 'D:\\echemd\\steps'
        poll = "5 s"
        limits = { min_voltage = "0 V", max_voltage = "5 V", max_current = "10 mA" }

        """
    }

    static func startBench(_ tag: String, speed: [String]) async throws -> (SimulatorProcess, DaemonProcess, String) {
        let state = temporaryDirectory(tag)
        let sim = simulator(state: state, speed: speed)
        try await sim.start()
        try config(state: state, bts: sim.address).write(toFile: state + "/echemd.toml", atomically: true, encoding: .utf8)
        let daemon = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
        do { try await daemon.start(speed: "max") } catch {
            sim.stop()
            throw error
        }
        return (sim, daemon, state)
    }

    static func jobs(_ c: UnixLineClient) throws -> [[String: Any]] {
        try request(c, ["op": "queue", "all": true])["jobs"] as? [[String: Any]] ?? []
    }

    static func btsClient(_ sim: SimulatorProcess) throws -> (BTSClient, BTSChannelAddress) {
        let hostPort = sim.address.replacingOccurrences(of: "tcp://", with: "").split(separator: ":")
        let client = BTSClient(host: String(hostPort[0]), port: Int(hostPort[1]) ?? 0, unitScale: .milliamperes)
        return (client, BTSChannelAddress(devid: 1, subdevid: 1, chlid: 3))
    }

    /// Each cycle's (discharge, charge) capacity in Ah, from the last sample of the cycle.
    static func cycleCapacities(_ samples: [Sample]) -> [Int: (Double, Double)] {
        var last: [Int: Sample] = [:]
        for s in samples { last[s.cycle] = s }
        return last.mapValues { ($0.cycleDischargeCapacity, $0.cycleChargeCapacity) }
    }

    @Test("seed 1-1 (5 cycles) through echemd on the Neware simulator matches the in-process channel; the step file is on the share")
    func seedMatchesInProcess() async throws {
        let (sim, daemon, state) = try await Self.startBench("neware-e2e", speed: ["--speed", "max"])
        defer { daemon.kill(SIGKILL); sim.stop() }
        let c = try daemon.connect()
        let text = try Self.protocolText()
        for ch in ["ref", "nw-3"] {
            let reply = try request(c, ["op": "submit", "protocol": text, "filename": "1-1-\(ch).yaml", "target": ["channel": ch]])
            #expect(reply["ok"] as? Bool == true, "submit on \(ch): \(reply)")
        }
        var jobs: [[String: Any]] = []
        try await waitUntil(240, "both jobs to end") {
            jobs = try Self.jobs(c)
            return jobs.count == 2 && jobs.allSatisfy { ["done", "failed", "cancelled"].contains($0["state"] as? String ?? "") }
        }
        var runs: [String: UUID] = [:]
        for j in jobs {
            #expect(j["state"] as? String == "done", "\(j); log:\n\(daemon.log.suffix(3000))\nsim:\n\(sim.log.suffix(2000))")
            if let ch = j["channel"] as? String, let r = j["run"] as? String { runs[ch] = UUID(uuidString: r) }
        }
        let store = try RunStore(path: daemon.storePath)
        let refRun = try #require(runs["ref"]), nwRun = try #require(runs["nw-3"])
        let ref = try store.samples(runID: refRun, limit: 10_000_000)
        let nw = try store.samples(runID: nwRun, limit: 10_000_000)

        // The step file echemd wrote is where the BTS Client read it, under the mapped drive.
        let files = try FileManager.default.contentsOfDirectory(atPath: state + "/bts/echemd/steps")
        #expect(files.count == 1 && files[0].hasSuffix(".xml"), "\(files)")

        // Every detail row the tester recorded is stored, in seqid order, once.
        let (client, address) = try Self.btsClient(sim)
        let df = try #require(try await client.inquireDataFile([address]).first)
        #expect(df.rowCount == nw.count, "BTS holds \(df.rowCount) rows; echemd stored \(nw.count)")
        #expect(nw.map(\.seq) == Array(0..<Int64(nw.count)), "seq = seqid − 1 with no hole")
        let rows = try await client.downloadRows(address, testID: df.testID).rows
        #expect(zip(rows, nw).allSatisfy { abs($0.volts - $1.volts) < 1e-9 && abs($0.amperes - $1.amperes) < 1e-12 },
                "stored volts and amperes are the BTS rows, in SI")
        await client.close()

        // Same cell, same program: per-cycle capacities agree within the 1 s reporting step at each
        // cut-off (0.1C: 1 s of 10 h; 1C: 1 s of 1 h, 0.03 %) plus the 5 mV recording threshold.
        let refCycles = Self.cycleCapacities(ref), nwCycles = Self.cycleCapacities(nw)
        #expect(refCycles.count == 5 && nwCycles.count == 5, "five cycles each: \(refCycles.count), \(nwCycles.count)")
        for k in refCycles.keys.sorted() {
            guard let r = refCycles[k], let n = nwCycles[k] else { continue }
            #expect(abs(n.0 - r.0) <= 0.003 * r.0, "cycle \(k) discharge: Neware \(n.0) Ah vs in-process \(r.0) Ah")
            #expect(abs(n.1 - r.1) <= 0.003 * r.1, "cycle \(k) charge: Neware \(n.1) Ah vs in-process \(r.1) Ah")
        }
        // Discharge current is negative (positive charges), as the in-process channel has it.
        let first = try #require(nw.first { $0.amperes != 0 })
        #expect(first.amperes < 0 && abs(first.amperes - (ref.first { $0.amperes != 0 }?.amperes ?? 0)) < 1e-9)
        // Steps map back to the program: the same step ids in the same order.
        let refSteps = try store.steps(runID: refRun).map(\.stepID), nwSteps = try store.steps(runID: nwRun).map(\.stepID)
        #expect(nwSteps == refSteps, "program step ids per step: \(nwSteps) vs \(refSteps)")
        #expect(try store.steps(runID: nwRun).allSatisfy { $0.endTestTime != nil }, "every step closed")
        #expect(try store.run(id: nwRun).status == .completed)
    }

    @Test("a protocol a Neware step file cannot express is refused at submit, with the line of each part")
    func refusedAtSubmit() async throws {
        let (sim, daemon, _) = try await Self.startBench("neware-refuse", speed: ["--speed", "max"])
        defer { daemon.kill(SIGKILL); sim.stop() }
        let c = try daemon.connect()
        // Seed 0-3's watchdogs end the whole test on a step time ("time >= 4 h then end"): a
        // step file's time limit only moves to the next step.
        let text = try String(contentsOfFile: repositoryRoot.path + "/" + DaemonEndToEndTests.seed, encoding: .utf8)
        let reply = try request(c, ["op": "submit", "protocol": text, "filename": "0-3.yaml", "target": ["channel": "nw-3"]])
        #expect(reply["ok"] as? Bool == false, "\(reply)")
        let lines = (reply["error"] as? [String: Any])?["diagnostics"] as? [String] ?? []
        let located = lines.filter { $0.hasPrefix("0-3.yaml:") && $0.contains("cannot run on a Neware tester") }
        #expect(!located.isEmpty, "located refusals: \(reply)")
        // Each refusal names the step's line and the condition it cannot carry.
        let source = text.split(separator: "\n", omittingEmptySubsequences: false)
        for refusal in located {
            let line = refusal.split(separator: ":").dropFirst().first.flatMap { Int($0) } ?? 0
            #expect(line >= 1 && line <= source.count && source[line - 1].contains("label:"), "a step's line: \(refusal)")
            #expect(refusal.contains("then end'"), "names the condition: \(refusal)")
        }
        #expect(located.count == 3, "each of the three watchdogged steps: \(located)")
        #expect(try Self.jobs(c).isEmpty, "nothing queued")
    }

    @Test("SIGKILL echemd mid-test: the tester runs on; restarted, echemd re-attaches and backfills every seqid; pause, resume, goto and stop reach the tester")
    func crashReattachAndControls() async throws {
        // 2000× real time: an hour of test time is 1.8 s of wall time on the tester.
        let (sim, daemon, state) = try await Self.startBench("neware-crash", speed: ["--speed", "2000"])
        defer { sim.stop() }
        let first = try daemon.connect()
        // 30 1C cycles, so the test is still running after the goto into them below.
        let reply = try request(first, ["op": "submit", "protocol": try Self.protocolText(longCycles: 30), "filename": "1-1.yaml",
                                    "target": ["channel": "nw-3"]])
        #expect(reply["ok"] as? Bool == true, "\(reply)")
        try await waitUntil(30, "the first rows in the store") { (storeLastSeq(daemon.storePath)?.1 ?? -1) > 100 }
        let (runID, before) = try #require(storeLastSeq(daemon.storePath))

        daemon.kill(SIGKILL)
        let (client, address) = try Self.btsClient(sim)
        defer { Task { await client.close() } }
        #expect(try await client.channelStatus([address]).first?.status == .working, "the test runs on without echemd")
        try await Task.sleep(for: .seconds(6))
        let heldByTester = try #require(try await client.inquireDataFile([address]).first).rowCount
        #expect(heldByTester > Int(before) + 1000, "rows recorded while echemd was down: \(heldByTester) vs \(before + 1)")

        let again = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
        try await again.start(speed: "max")
        defer { again.kill(SIGKILL) }
        let c = try again.connect()
        try await waitUntil(30, "the backfill past the rows recorded during the outage") {
            (storeLastSeq(again.storePath)?.1 ?? -1) >= Int64(heldByTester) - 1
        }
        let job = try #require(try Self.jobs(c).first)
        #expect(job["state"] as? String == "running", "\(job)")

        // Pause now = BTS stop (output off); resume = BTS continue.
        _ = try request(c, ["op": "pause", "target": "nw-3", "mode": "now"])
        try await waitUntil(20, "the job to show paused") { try Self.jobs(c).first?["state"] as? String == "paused" }
        #expect(try await client.channelStatus([address]).first?.status == .stop)
        let pausedRows = try #require(try await client.inquireDataFile([address]).first).rowCount
        try await Task.sleep(for: .seconds(2))
        #expect(try await client.inquireDataFile([address]).first?.rowCount == pausedRows, "no rows while paused")
        _ = try request(c, ["op": "resume", "target": "nw-3"])
        try await waitUntil(20, "the job to run again") { try Self.jobs(c).first?["state"] as? String == "running" }
        #expect(try await client.channelStatus([address]).first?.status == .working)

        // goto a label: the tester jumps to the 1C loop's first step (a 1C discharge: 1.131 mg S
        // × 1675 mAh/g = 1.894 mA), from the 0.1C activation it was in.
        let jumpFrom = storeLastSeq(again.storePath)?.1 ?? 0
        _ = try request(c, ["op": "goto", "target": "nw-3", "label": "cycling_1C"])
        try await waitUntil(30, "1C current after the goto") {
            let store = try RunStore(path: again.storePath)
            return try store.samples(runID: runID, fromSeq: jumpFrom + 1, limit: 100_000).contains { abs($0.amperes + 1.894e-3) < 0.02e-3 }
        }

        // Paused again, then stopped while paused: the tester is already stopped, the run ends.
        _ = try request(c, ["op": "pause", "target": "nw-3", "mode": "now"])
        try await waitUntil(20, "the job to show paused again") { try Self.jobs(c).first?["state"] as? String == "paused" }
        _ = try request(c, ["op": "stop", "target": "nw-3", "reason": "test over"])
        try await waitUntil(30, "the job to end") { try Self.jobs(c).first?["state"] as? String == "done" }
        #expect(try await client.channelStatus([address]).first?.status == .stop, "the tester was stopped")

        let store = try RunStore(path: again.storePath)
        let samples = try store.samples(runID: runID, limit: 10_000_000)
        let total = try #require(try await client.inquireDataFile([address]).first).rowCount
        #expect(samples.count == total, "every row the tester holds is stored: \(samples.count) of \(total)")
        #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "no missing seqid across the crash")
        #expect(samples.map(\.testTime) == samples.map(\.testTime).sorted())
        let events = try store.events(runID: runID).map(\.message)
        #expect(events.contains { $0.contains("re-attached to test") }, "\(events)")
        #expect(events.contains { $0.contains("paused now") } && events.contains { $0.contains("resumed") })
        #expect(events.contains { $0.contains("goto cycling_1C sent to the tester") }, "\(events)")
        let run = try store.run(id: runID)
        #expect(run.status == .stopped && run.reason?.contains("test over") == true, "\(run.status) \(run.reason ?? "")")
    }

    @Test("a step-time limit, which a step file cannot carry, is enforced by echemd: the tester is stopped and the run is a safety stop")
    func stepTimeLimitEnforced() async throws {
        // 2000× real time; the 0.1C formation discharge would take about 9 h, the limit is 2 h.
        let (sim, daemon, _) = try await Self.startBench("neware-steptime", speed: ["--speed", "2000"])
        defer { daemon.kill(SIGKILL); sim.stop() }
        let c = try daemon.connect()
        let text = try Self.protocolText().replacingOccurrences(of: "step_time: 30 h", with: "step_time: 2 h")
        let reply = try request(c, ["op": "submit", "protocol": text, "filename": "1-1-2h.yaml", "target": ["channel": "nw-3"]])
        #expect(reply["ok"] as? Bool == true, "\(reply)")
        try await waitUntil(60, "the job to end") { ["done", "failed"].contains(try Self.jobs(c).first?["state"] as? String ?? "") }

        let (client, address) = try Self.btsClient(sim)
        #expect(try await client.channelStatus([address]).first?.status == .stop, "the tester was stopped")
        await client.close()
        let store = try RunStore(path: daemon.storePath)
        let (runID, _) = try #require(storeLastSeq(daemon.storePath))
        let run = try store.run(id: runID)
        #expect(run.status == .safetyStop && run.reason?.contains("step-time limit") == true, "\(run.status): \(run.reason ?? "")")
        let first = try #require(try store.steps(runID: runID).first)
        let ran = (first.endTestTime ?? 0) - first.startTestTime
        // Stopped after the limit, within one poll (5 s of wall time = 10 000 s here), long before 1.7 V.
        #expect(ran > 2 * 3600 && ran < 2 * 3600 + 10_500, "the first step ran \(ran) s")
        #expect(try store.steps(runID: runID).count == 1, "no second step started")
    }

    @Test("a crash between storing the run and the reply to start: the restarted echemd finds the tester's new test and adopts it")
    func crashMidStartAdoptsTheTest() async throws {
        let state = temporaryDirectory("neware-midstart")
        let sim = Self.simulator(state: state, speed: ["--speed", "2000"])
        try await sim.start()
        defer { sim.stop() }
        try Self.config(state: state, bts: sim.address).write(toFile: state + "/echemd.toml", atomically: true, encoding: .utf8)

        // What echemd had done when it died: the job claimed, the run and a state without a test
        // id committed, the step file written and `start` sent to the BTS Client.
        let config = try ConfigLoader.load(path: state + "/echemd.toml")
        let bench = try Bench(config: config)
        let channel = try #require(bench.channel("nw-3"))
        let driver = try #require(channel.driver as? NewareDriver)
        let intake = JobIntake(bench: bench, defaultRecovery: .resume)
        let outcome = intake.prepare(.init(text: try Self.protocolText(), filename: "1-1.yaml",
                                           target: JobTarget(channel: "nw-3"), source: "test"))
        let job = try #require(outcome.job, "\(outcome.diagnostics)")
        let program = try #require(intake.compile(job, capabilities: channel.capabilities).program)
        let run = RunInfo(bench: bench.name, channel: "nw-3", protocolName: program.name, protocolText: job.protocolText,
                          program: program, cell: program.cell, startedUnix: Date().timeIntervalSince1970)
        let store = try RunStore(path: state + "/echemd.sqlite")
        let queued = try store.enqueue(job)
        _ = try store.updateJob(queued.id, state: .running, reason: "running on nw-3", channel: "nw-3", runID: run.id)
        try await store.begin(run)
        let address = try await driver.address()
        let before = try await driver.client.download(address, startSeqid: 1, count: 0).testID
        let name = "echemd-\(run.id.uuidString.lowercased().prefix(8)).xml"
        let pending = NewareSupervisor.State(pipeline: "1-1-3", testID: nil, previousTestID: before,
                                             stepFile: driver.ref.remotePath(name), mapper: NewareRowMapper.State())
        try await store.commitSupervised(runID: run.id, samples: [], steps: [], events: [], driver: "neware",
                                         state: try JSONEncoder().encode(pending))
        try store.close()
        let file = try driver.compile(program, remark: job.name).get()
        try FileManager.default.createDirectory(atPath: driver.ref.stepFolder, withIntermediateDirectories: true)
        try file.xml().write(toFile: driver.ref.stepFolder + "/" + name, atomically: true, encoding: .utf8)
        try await driver.client.startOne(BTSStart(channel: address, barcode: job.name, stepFilePath: driver.ref.remotePath(name)))
        let started = try await driver.client.download(address, startSeqid: 1, count: 0).testID
        #expect(started != before)

        let daemon = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
        try await daemon.start(speed: "max")
        defer { daemon.kill(SIGKILL) }
        let c = try daemon.connect()
        try await waitUntil(30, "rows of the adopted test in the store") { (storeLastSeq(daemon.storePath)?.1 ?? -1) > 100 }
        #expect(try Self.jobs(c).first?["state"] as? String == "running")
        _ = try request(c, ["op": "stop", "target": "nw-3", "reason": "test over"])
        try await waitUntil(30, "the job to end") { try Self.jobs(c).first?["state"] as? String == "done" }

        let reopened = try RunStore(path: daemon.storePath)
        let samples = try reopened.samples(runID: run.id, limit: 10_000_000)
        let held = try #require(try await driver.client.inquireDataFile([address]).first)
        #expect(held.testID == started && samples.count == held.rowCount, "all \(held.rowCount) rows of test \(started) stored: \(samples.count)")
        let events = try reopened.events(runID: run.id).map(\.message)
        #expect(events.contains { $0.contains("re-attached to test \(started)") }, "\(events)")
        await driver.client.close()
    }
}
