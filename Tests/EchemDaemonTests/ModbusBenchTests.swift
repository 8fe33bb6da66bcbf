import EchemCore
import EchemStore
import EchemTestSupport
import Foundation
import Testing

/// echemd driving Modbus channels on `echem-sim modbus` processes (EA PSB profile, Modbus TCP and
/// RTU on a pseudo-terminal), against the same protocol on its in-process simulated channel.
@Suite("echemd on the Modbus simulator: TCP and RTU, with and without faults", .serialized)
struct ModbusBenchTests {
    /// Seed 000 row 0-3 with 3 cycles instead of 300: a 140 mA/g formation, then 840 mA/g.
    static func protocolText(cycles long: Int) throws -> String {
        let text = try String(contentsOfFile: repositoryRoot.path + "/" + DaemonEndToEndTests.seed, encoding: .utf8)
        return text.replacingOccurrences(of: "count: 299", with: "count: \(long)")
    }

    /// 10 V and 10 mA ratings: one count of an EA current register (rating / 52428) is 0.19 µA,
    /// 0.17 % of the 110.8 µA formation current; one count of voltage is 0.19 mV.
    static let ratings = ["--nominal-voltage", "10V", "--nominal-current", "10mA"]
    static let profile = "drivers/ea-psb-10000.toml"

    static func simulator(_ transport: [String], unit: Int, faults: String? = nil, state: String, name: String) -> SimulatorProcess {
        var args = ["modbus", "--profile", profile] + transport + ["--unit", "\(unit)", "--cell", DaemonEndToEndTests.seed]
            + ratings + ["--speed", "max", "--sample-period", "10s"]
        if let faults { args += ["--faults", faults, "--seed", "7"] }
        return SimulatorProcess(args, log: state + "/\(name).log")
    }

    static func config(_ modbus: [(id: String, address: String, unit: Int)]) -> String {
        var text = """
        bench = "modbus-e2e"
        [simulation]
        speed = "max"
        sample_period = "10 s"

        [[channels]]
        id = "ref"
        driver = "sim-cycler"
        limits = { min_voltage = "-5 V", max_voltage = "5 V", max_current = "10 mA" }

        """
        for m in modbus {
            text += """

            [[channels]]
            id = "\(m.id)"
            driver = "modbus"
            address = "\(m.address)"
            profile = "\(repositoryRoot.path)/\(profile)"
            unit = \(m.unit)
            sample_period = "10 s"
            clock = "lockstep"
            limits = { min_voltage = "0 V", max_voltage = "5 V", max_current = "10 mA" }

            """
        }
        return text
    }

    /// Submits the protocol to each channel and waits for every job to end; returns run ids by channel.
    static func runEverywhere(_ daemon: DaemonProcess, _ text: String, channels: [String], within seconds: Double) async throws -> [String: UUID] {
        let c = try daemon.connect()
        for ch in channels {
            let reply = try request(c, ["op": "submit", "protocol": text, "filename": "0-3-\(ch).yaml", "target": ["channel": ch]])
            #expect(reply["ok"] as? Bool == true, "submit on \(ch): \(reply)")
        }
        var jobs: [[String: Any]] = []
        try await waitUntil(seconds, "the jobs on \(channels) to end") {
            jobs = try request(c, ["op": "queue", "all": true])["jobs"] as? [[String: Any]] ?? []
            return jobs.count == channels.count && jobs.allSatisfy { ["done", "failed", "cancelled"].contains($0["state"] as? String ?? "") }
        }
        var runs: [String: UUID] = [:]
        for j in jobs {
            let ch = j["channel"] as? String ?? "?"
            #expect(j["state"] as? String == "done", "job on \(ch): \(j["state"] ?? "?") (\(j["reason"] ?? "")); log:\n\(daemon.log.suffix(3000))")
            if let r = j["run"] as? String, let id = UUID(uuidString: r) { runs[ch] = id }
        }
        return runs
    }

    /// Each cycle's (discharge, charge) capacity in Ah, from the last sample of the cycle.
    static func cycleCapacities(_ samples: [Sample]) -> [(Double, Double)] {
        var last: [Int: Sample] = [:]
        for s in samples { last[s.cycle] = s }
        return last.keys.sorted().map { (last[$0]!.cycleDischargeCapacity, last[$0]!.cycleChargeCapacity) }
    }

    static func compare(_ store: RunStore, reference: UUID, modbus: UUID, label: String) throws {
        let ref = try store.samples(runID: reference, limit: 10_000_000)
        let bus = try store.samples(runID: modbus, limit: 10_000_000)
        let refCycles = cycleCapacities(ref), busCycles = cycleCapacities(bus)
        #expect(refCycles.count == 3 && busCycles.count == 3, "\(label): three cycles each")
        for (k, (r, b)) in zip(refCycles, busCycles).enumerated() {
            // The register quantisation of current (0.17 %) plus one 10 s sample at each cut-off.
            #expect(abs(b.0 - r.0) <= 0.005 * r.0, "\(label) cycle \(k + 1) discharge: \(b.0) Ah vs \(r.0) Ah")
            #expect(abs(b.1 - r.1) <= 0.005 * r.1, "\(label) cycle \(k + 1) charge: \(b.1) Ah vs \(r.1) Ah")
        }
        // Coulomb counting on the bus data itself: the stored capacity is ∫I dt of the stored current.
        // Backward rectangles, as the engine integrates; every reading is stored (10 s record, 10 s sampling).
        var integral = 0.0, before = 0.0
        for s in bus {
            if s.amperes < 0 { integral += -s.amperes * (s.testTime - before) / 3600 }
            before = s.testTime
        }
        let stored = bus.last?.dischargeCapacity ?? 0
        #expect(abs(integral - stored) <= 1e-6 * stored + 1e-12, "\(label): ∫I dt \(integral) Ah vs stored \(stored) Ah")
        // The curves agree point by point: at a shared test time in the first discharge, volts within a few counts.
        let refByTime = Dictionary(ref.filter { $0.cycle == 1 }.map { ($0.testTime.rounded(), $0.volts) }, uniquingKeysWith: { a, _ in a })
        var worst = 0.0, shared = 0
        for s in bus where s.cycle == 1 && s.amperes < 0 {
            guard let v = refByTime[s.testTime.rounded()] else { continue }
            worst = max(worst, abs(v - s.volts))
            shared += 1
        }
        #expect(shared > 100, "\(label): \(shared) shared sample times")
        #expect(worst < 0.005, "\(label): worst voltage difference \(worst) V on the formation discharge")
    }

    /// Two EA PSB simulators (TCP unit 0, RTU on a pty unit 1) and echemd with them and a reference channel.
    struct Bench {
        let tcp: SimulatorProcess, rtu: SimulatorProcess, daemon: DaemonProcess

        static func start(_ tag: String, faults: String? = nil) async throws -> Bench {
            let state = temporaryDirectory(tag)
            let tcp = simulator(["--tcp", "127.0.0.1:0"], unit: 0, faults: faults, state: state, name: "sim-tcp")
            let rtu = simulator(["--pty", "--link", state + "/ttyPSB"], unit: 1, faults: faults, state: state, name: "sim-rtu")
            try await tcp.start()
            try await rtu.start()
            try config([("psb-tcp", tcp.address, 0), ("psb-rtu", state + "/ttyPSB", 1)])
                .write(toFile: state + "/echemd.toml", atomically: true, encoding: .utf8)
            let daemon = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
            do { try await daemon.start(speed: "max") } catch {
                tcp.stop(); rtu.stop()
                throw error
            }
            return Bench(tcp: tcp, rtu: rtu, daemon: daemon)
        }

        func stop() {
            daemon.kill(SIGKILL)
            tcp.stop()
            rtu.stop()
        }
    }

    @Test("seed 0-3 (3 cycles) through echemd on the EA PSB simulator over TCP and over RTU on a pty matches the in-process cell")
    func tcpAndRTU() async throws {
        let bench = try await Bench.start("modbus-e2e")
        defer { bench.stop() }
        let daemon = bench.daemon

        let runs = try await Self.runEverywhere(daemon, try Self.protocolText(cycles: 2), channels: ["ref", "psb-tcp", "psb-rtu"], within: 300)
        let store = try RunStore(path: daemon.storePath)
        let ref = try #require(runs["ref"])
        try Self.compare(store, reference: ref, modbus: try #require(runs["psb-tcp"]), label: "TCP")
        try Self.compare(store, reference: ref, modbus: try #require(runs["psb-rtu"]), label: "RTU")
    }
}

extension ModbusBenchTests {
    @Test("with 1 % injected faults (dropped replies, bad CRC/transaction id) over TCP and RTU the runs complete and every late reading is a channel event")
    func faults() async throws {
        let bench = try await Bench.start("modbus-faults", faults: "drop=0.01,crc=0.01")
        defer { bench.stop() }
        let daemon = bench.daemon
        let (tcp, rtu) = (bench.tcp, bench.rtu)

        // The 840 mA/g part only (two cycles): each dropped reply costs a 500 ms response timeout.
        let seed = try Self.protocolText(cycles: 2)
        let header = try #require(seed.range(of: "\nsteps:\n")).lowerBound
        let text = String(seed[..<header]) + """

        steps:
          - loop:
              label: long_cycling
              count: 2
              steps:
                - {label: lithiate, discharge: 840 mA/g, until: [V <= 0.01 V, time >= 4 h then end]}
                - {label: delithiate, charge: 840 mA/g, until: [V >= 3.0 V, time >= 4 h then end]}
        """
        let runs = try await Self.runEverywhere(daemon, text, channels: ["psb-tcp", "psb-rtu"], within: 400)
        let store = try RunStore(path: daemon.storePath)
        for (channel, run) in runs {
            let samples = try store.samples(runID: run, limit: 10_000_000)
            #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "\(channel): no hole in the sequence")
            #expect(samples.map(\.testTime) == samples.map(\.testTime).sorted(), "\(channel): time never steps back")
            let gaps = try store.events(runID: run).filter { $0.kind == "channel" }
            #expect(!gaps.isEmpty, "\(channel): the retried readings are in the run's log")
            #expect(gaps.allSatisfy { $0.message.contains("retr") }, "\(channel): \(gaps.prefix(3).map(\.message))")
            // 3 reads per reading, 2 % of requests faulted: a few percent of readings are late.
            #expect(gaps.count < samples.count / 10, "\(channel): \(gaps.count) late readings of \(samples.count)")
        }
        // Both simulators really injected faults, and stayed up.
        for sim in [tcp, rtu] { #expect(sim.process?.isRunning == true, "simulator alive; log:\n\(sim.log.suffix(2000))") }
    }
}

extension ModbusBenchTests {
    @Test("the device goes away mid-run: the job shows paused with the reason, and runs on when the device is back")
    func deviceOutagePausesTheJob() async throws {
        let state = temporaryDirectory("modbus-outage")
        let first = Self.simulator(["--tcp", "127.0.0.1:0"], unit: 0, state: state, name: "sim-1")
        try await first.start()
        defer { first.stop() }
        try Self.config([("psb-tcp", first.address, 0)]).write(toFile: state + "/echemd.toml", atomically: true, encoding: .utf8)
        let daemon = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
        try await daemon.start(speed: "max")
        defer { daemon.kill(SIGKILL) }
        let c = try daemon.connect()
        let reply = try request(c, ["op": "submit", "protocol": try Self.protocolText(cycles: 299), "filename": "long.yaml",
                                    "target": ["channel": "psb-tcp"]])
        #expect(reply["ok"] as? Bool == true, "\(reply)")
        func job() throws -> [String: Any] { (try request(c, ["op": "queue"])["jobs"] as? [[String: Any]])?.first ?? [:] }
        try await waitUntil(30, "the run to store samples") { storeLastSeq(daemon.storePath).map { $0.1 > 200 } ?? false }

        first.stop()
        try await waitUntil(30, "the job to show paused") { try job()["state"] as? String == "paused" }
        let paused = try job()
        #expect((paused["reason"] as? String ?? "").contains("device lost"), "\(paused)")
        let heldAt = storeLastSeq(daemon.storePath)?.1 ?? -1
        try await Task.sleep(for: .seconds(2))
        #expect(storeLastSeq(daemon.storePath)?.1 == heldAt, "no samples while the device is away")

        let port = first.address.split(separator: ":").last.map(String.init) ?? "0"
        let second = Self.simulator(["--tcp", "127.0.0.1:\(port)"], unit: 0, state: state, name: "sim-2")
        try await second.start()
        defer { second.stop() }
        try await waitUntil(30, "the job to run again") { try job()["state"] as? String == "running" }
        #expect((try job()["reason"] as? String ?? "").contains("device back"))
        try await waitUntil(30, "new samples after the outage") { (storeLastSeq(daemon.storePath)?.1 ?? -1) > heldAt + 100 }

        let run = try #require(storeLastSeq(daemon.storePath)?.0)
        _ = try request(c, ["op": "stop", "target": "psb-tcp", "reason": "test over"])
        try await waitUntil(30, "the job to end") { try job()["state"] as? String == "done" }
        let store = try RunStore(path: daemon.storePath)
        let samples = try store.samples(runID: run, limit: 10_000_000)
        #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "no hole in the sequence across the outage")
        #expect(samples.map(\.testTime) == samples.map(\.testTime).sorted(), "time never steps back across the reconnect")
        let notes = try store.events(runID: run).filter { $0.kind == "channel" && $0.message.contains("device lost") }
        #expect(notes.count == 1, "the outage is in the run's log once")
    }
}
