import EchemCore
import EchemStore
import EchemTestSupport
import Foundation
import Testing

/// The seed CV and EIS protocols (issue 7) end to end: real `echemd`, real simulator processes,
/// the real socket. CV and the timer-EIS file run on a MethodSCRIPT potentiostat alone; the files
/// that cycle and measure EIS run on a bound pair from `echem-sim pair`, one cell behind both wires.
@Suite("Seed CV and EIS protocols through echemd on the simulators", .serialized)
struct SeedPotentiostatTests {
    /// A `[[channels]]` block for a potentiostat on a pty, its holds and rests sampled at the
    /// seed's record interval.
    static func potentiostatChannel(_ id: String, link: String, samplePeriod: Int = 10) -> String {
        """
        [[channels]]
        id = "\(id)"
        driver = "methodscript"
        address = "\(link)"
        model = "nexus"
        sample_period = "\(samplePeriod) s"
        limits = { min_voltage = "-5 V", max_voltage = "5 V", max_current = "50 mA" }

        """
    }

    /// A `[[channels]]` block for the EA PSB cycler of a pair, lockstep, one 10 s sample per poll.
    static func cyclerChannel(_ id: String, address: String) -> String {
        """
        [[channels]]
        id = "\(id)"
        driver = "modbus"
        address = "\(address)"
        profile = "\(repositoryRoot.path)/drivers/ea-psb-10000.toml"
        unit = 1
        sample_period = "10 s"
        clock = "lockstep"
        limits = { min_voltage = "0 V", max_voltage = "5 V", max_current = "10 mA" }

        """
    }

    static func startDaemon(_ state: String, config: String) async throws -> DaemonProcess {
        try ("bench = \"seed-pstat\"\n\n" + config).write(toFile: state + "/echemd.toml", atomically: true, encoding: .utf8)
        let daemon = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
        try await daemon.start(speed: "max")
        return daemon
    }

    // MARK: - CV on the potentiostat alone

    /// One sweep step of a seed: its label, the potentials it turns at in order, its scan rate.
    struct Sweep {
        var label: String
        var turns: [Double]
        var rate: Double
    }

    static func cv(_ a: Double, _ b: Double, cycles: Int) -> [Double] {
        [a, b].repeated(cycles)
    }

    /// The four CV seeds, each with the simulated cell its protocol describes (capacity = the
    /// parameter set's specific capacity × the protocol's mass, as echemd sizes a cell).
    /// `edits`: the current caps of 3-10 (A5: 4 mA) and 4-5 (A4: 10 mA) are the files' own
    /// assumptions, and the simulated cells pass more (the MoS6 peak at 1 mV/s, the Li2S activation
    /// peak): a MethodSCRIPT potentiostat reports the whole current, where echemd's in-process
    /// simulator clamps a sweep at the set-point's compliance and so never trips them.
    static let cvSeeds: [(file: String, chemistry: String, capacity: String, record: Int, edits: [(String, String)],
                          sweeps: [Sweep])] = [
        ("protocols/seed-003/3-9-mos6-cv-first-three-cycles.yaml", "mos6", "1.295mAh", 10, [],  // 0.66 Ah/g × 1.9625 mg
         [Sweep(label: "cv", turns: cv(1.0, 3.0, cycles: 3), rate: 1e-4)]),
        ("protocols/seed-003/3-10-mos6-cv-scan-rate-series.yaml", "mos6", "1.295mAh", 10, [("current: 4 mA", "current: 40 mA")],
         [Sweep(label: "cv_0p1", turns: cv(1.0, 3.0, cycles: 2), rate: 1e-4),
          Sweep(label: "cv_0p2", turns: cv(1.0, 3.0, cycles: 2), rate: 2e-4),
          Sweep(label: "cv_0p5", turns: cv(1.0, 3.0, cycles: 2), rate: 5e-4),
          Sweep(label: "cv_1p0", turns: cv(1.0, 3.0, cycles: 2), rate: 1e-3)]),
        ("protocols/seed-004/4-5-li2s-cv-first-cycle-and-scan-rates.yaml", "li2s_cathode", "2.658mAh", 10, [("current: 10 mA", "current: 40 mA")],  // 0.94 Ah/g × 2.8275 mg
         [Sweep(label: "cv_0p1_with_activation", turns: [3.2, 1.7] + cv(2.8, 1.7, cycles: 2), rate: 1e-4),
          Sweep(label: "cv_0p2", turns: cv(2.8, 1.7, cycles: 2), rate: 2e-4),
          Sweep(label: "cv_0p5", turns: cv(2.8, 1.7, cycles: 2), rate: 5e-4),
          Sweep(label: "cv_1p0", turns: cv(2.8, 1.7, cycles: 2), rate: 1e-3)]),
        ("protocols/seed-004/4-18-polysulfide-symmetric-cv.yaml", "polysulfide_symmetric", "0.429mAh", 1, [],  // 0.26 Ah/g × 1.65 mg
         [Sweep(label: "cv_1mV", turns: cv(1.0, -1.0, cycles: 3), rate: 1e-3),
          Sweep(label: "cv_2mV", turns: cv(1.0, -1.0, cycles: 3), rate: 2e-3),
          Sweep(label: "cv_5mV", turns: cv(1.0, -1.0, cycles: 3), rate: 5e-3),
          Sweep(label: "cv_10mV", turns: cv(1.0, -1.0, cycles: 3), rate: 1e-2)]),
    ]

    @Test("seed CV 3-9, 3-10 (scan-rate series), 4-5 and 4-18 on the MethodSCRIPT potentiostat: vertices, cycles, scan rate, current sign")
    func seedCV() async throws {
        let state = temporaryDirectory("seed-cv")
        var sims: [SimulatorProcess] = []
        defer { sims.forEach { $0.stop() } }
        var config = ""
        for (k, seed) in Self.cvSeeds.enumerated() {
            let link = state + "/ttyCV\(k)"
            let sim = SimulatorProcess(["methodscript", "--pty", "--link", link, "--chemistry", seed.chemistry,
                                        "--capacity", seed.capacity, "--speed", "max"], log: state + "/sim-cv\(k).log")
            try await sim.start()
            sims.append(sim)
            config += Self.potentiostatChannel("pstat-\(k)", link: link, samplePeriod: seed.record)
        }
        let daemon = try await Self.startDaemon(state, config: config)
        defer { daemon.kill(SIGKILL) }

        let jobs = try await runJobs(daemon, try Self.cvSeeds.enumerated().map { k, seed in
            ((seed.file as NSString).lastPathComponent, try seedText(seed.file, edits: seed.edits), ["channel": "pstat-\(k)"])
        }, within: 80)
        let store = try RunStore(path: daemon.storePath)
        for seed in Self.cvSeeds {
            let name = (seed.file as NSString).lastPathComponent
            let job = try #require(jobs[name])
            #expect(job.state == "done", "\(name): \(job.reason)\n\(daemon.log.suffix(2000))")
            let run = try #require(job.run)
            let samples = try store.samples(runID: run, limit: 10_000_000)
            #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "\(name): no hole in the sequence")
            #expect(samples.map(\.testTime) == samples.map(\.testTime).sorted(), "\(name): time never steps back")
            let steps = try store.steps(runID: run)
            #expect(steps.map(\.label) == seed.sweeps.map(\.label), "\(name): one stored step per sweep")
            for sweep in seed.sweeps {
                guard let step = steps.first(where: { $0.label == sweep.label }) else { continue }
                try Self.checkSweep(samples.filter { $0.stepCount == step.stepCount }, sweep, name)
            }
        }
    }

    /// The protocol's path, read back from what was stored.
    static func checkSweep(_ samples: [Sample], _ sweep: Sweep, _ name: String) throws {
        let what = "\(name) \(sweep.label)"
        let legs = sweepLegs(samples)
        // The potentiostat's staircase step, as stored; the recording rule may leave out the last,
        // shorter step before a vertex, so a vertex is reached within one step.
        let staircase = zip(samples, samples.dropFirst()).map { abs($1.volts - $0.volts) }.max() ?? 0
        #expect(staircase <= 0.0101, "\(what): steps of \(staircase * 1e3) mV")
        // Turning points: where one leg ends and the next runs the other way.
        var turns: [(volts: Double, amperes: Double, upper: Bool)] = []
        for (a, b) in zip(legs, legs.dropFirst()) where a.rising != b.rising {
            let s = a.samples.last!
            turns.append((s.volts, s.amperes, a.rising))
        }
        // The vertices, in order: as many as the cycles give, each reached.
        #expect(turns.count == sweep.turns.count, "\(what): \(turns.count) turning points \(turns.map(\.volts)), expected \(sweep.turns)")
        for (got, want) in zip(turns, sweep.turns) {
            #expect(abs(got.volts - want) <= staircase + 1e-6, "\(what): turned at \(got.volts) V, expected \(want) V")
        }
        // Every leg moves at the programmed scan rate (least squares over its stored samples).
        for leg in legs {
            #expect(abs(abs(leg.slope) - sweep.rate) < 0.01 * sweep.rate,
                    "\(what): leg \(leg.fromVolts)→\(leg.toVolts) V at \(abs(leg.slope) * 1e3) mV/s, expected \(sweep.rate * 1e3) mV/s")
            #expect((leg.slope > 0) == leg.rising)
        }
        // Oxidation is positive: at each upper vertex the electrode, driven above equilibrium,
        // passes anodic current; at each lower vertex cathodic.
        for t in turns {
            #expect(t.upper ? t.amperes > 0 : t.amperes < 0,
                    "\(what): \(t.amperes) A at the \(t.upper ? "upper" : "lower") vertex \(t.volts) V")
        }
        let peak = try #require(samples.max { $0.amperes < $1.amperes })
        let trough = try #require(samples.min { $0.amperes < $1.amperes })
        #expect(peak.amperes > 0 && trough.amperes < 0, "\(what): anodic peak \(peak.amperes) A, cathodic \(trough.amperes) A")
    }
}

// MARK: - EIS on a timer, on the potentiostat alone

extension SeedPotentiostatTests {
    @Test("seed 4-16: a 0.05C charge, then a 0.05C discharge with an EIS every 30 min of step time, on the MethodSCRIPT potentiostat")
    func seedTimerEIS() async throws {
        let state = temporaryDirectory("seed-eis")
        let link = state + "/ttyEIS"
        // The protocol's cell: 0.94 Ah/g (li2s_cathode) × 1.131 mg Li2S.
        let sim = SimulatorProcess(["methodscript", "--pty", "--link", link, "--chemistry", "li2s_cathode",
                                    "--capacity", "1.063mAh", "--speed", "max"], log: state + "/sim.log")
        try await sim.start()
        defer { sim.stop() }
        let daemon = try await Self.startDaemon(state, config: Self.potentiostatChannel("pstat", link: link))
        defer { daemon.kill(SIGKILL) }

        let file = "protocols/seed-004/4-16-li2s-operando-eis.yaml"
        let jobs = try await runJobs(daemon, [("4-16.yaml", try seedText(file), ["channel": "pstat"])], within: 60)
        let job = try #require(jobs["4-16.yaml"])
        #expect(job.state == "done", "\(job.reason)\n\(daemon.log.suffix(2000))")
        let run = try #require(job.run)
        let store = try RunStore(path: daemon.storePath)
        let samples = try store.samples(runID: run, limit: 10_000_000)
        #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "no hole in the sequence")
        let steps = try store.steps(runID: run)
        let discharge = steps.filter { $0.label == "operando_discharge" }
        let dischargeSamples = samples.filter { s in discharge.contains { $0.stepCount == s.stepCount } }
        let charge = samples.filter { s in steps.contains { $0.label == "activation" && $0.stepCount == s.stepCount } }
        // + = charge: the activation passes positive current up to 3.2 V, the discharge negative down to 1.7 V.
        #expect(charge.allSatisfy { $0.amperes > 0 } && abs((charge.last?.volts ?? 0) - 3.2) < 0.01)
        #expect(dischargeSamples.allSatisfy { $0.amperes < 0 } && abs((dischargeSamples.last?.volts ?? 0) - 1.7) < 0.01)
        // 0.05C of the protocol's 1166 mAh/g × 1.131 mg = 65.9 µA, within the potentiostat's range resolution.
        #expect(abs(abs(dischargeSamples.first?.amperes ?? 0) - 65.94e-6) < 0.01 * 65.94e-6)

        // A spectrum at every 30 min of discharge step time (the timer counts the step's own
        // time, not the spectra), each 100 kHz → 10 mHz at 10 points a decade.
        let stepSeconds = dischargeSamples.last?.stepTime ?? 0
        let spectra = try store.spectra(runID: run)
        #expect(spectra.count == Int(stepSeconds / 1800), "\(spectra.count) spectra in \(stepSeconds) s of discharge")
        #expect(spectra.count >= 10, "a 0.05C discharge lasts hours: \(spectra.count) spectra")
        let fired = try store.events(runID: run).filter { $0.message.hasPrefix("timer event during step") }
        #expect(fired.count == spectra.count)
        for (k, e) in fired.enumerated() {
            // "… at step time 1800 s": each firing within one 10 s sample of its multiple of 30 min.
            let t = Double(e.message.split(separator: " ").dropLast().last ?? "") ?? -1
            #expect(abs(t - 1800 * Double(k + 1)) <= 10, "firing \(k + 1) at step time \(t) s")
        }
        let start = discharge.first?.startTestTime ?? 0
        for s in spectra {
            #expect(s.points.count == 71, "7 decades × 10 + 1 points: \(s.points.count)")
            let f = s.points.map(\.frequencyHz)
            #expect(abs((f.max() ?? 0) - 1e5) < 1e-3 && abs((f.min() ?? 0) - 1e-2) < 1e-8)
            #expect(s.points.allSatisfy { $0.real > 0 }, "a passive cell: Re Z > 0")
            #expect(s.testTime > start, "measured during the discharge")
        }
    }
}

// MARK: - One cell, two instruments: `echem-sim pair`

extension SeedPotentiostatTests {
    /// `echem-sim pair` for a protocol's cell: an EA PSB rated 10 V / 10 mA (one count of current
    /// 0.19 µA) on Modbus TCP, a Nexus on a pty at `link`, both lockstep, the cycler 10 s per poll.
    static func pair(cell: String, link: String, log: String) -> SimulatorProcess {
        SimulatorProcess(["pair", "--cell", cell, "--link", link, "--nominal-voltage", "10V", "--nominal-current", "10mA",
                          "--speed", "max", "--sample-period", "10s"], log: log)
    }

    /// One count of the PSB's actual_current at the 10 mA rating.
    static let currentCount = 10e-3 / 52428

    @Test("echem-sim pair: the potentiostat measures what the cycler did to the cell, and neither can switch on while the other drives")
    func pairWire() async throws {
        let state = temporaryDirectory("pair-wire")
        let sim = SimulatorProcess(["pair", "--chemistry", "ideal_linear", "--capacity", "1mAh", "--link", state + "/tty",
                                    "--nominal-voltage", "10V", "--nominal-current", "10mA", "--speed", "max",
                                    "--sample-period", "10s"], log: state + "/pair.log")
        try await sim.start()
        defer { sim.stop() }
        let psb = PSBRegisters(probe: try ModbusTCPProbe(address: sim.address, unit: 1), ratedVolts: 10, ratedAmperes: 10e-3)
        let pstat = try MethodSCRIPTLine(path: state + "/tty")
        let volt = 10.0 / 52428  // one count of actual_voltage
        /// An open-circuit measurement on the potentiostat: three packages of measured potential (`ab`).
        func potentiostatOCP() throws -> [Double] {
            pstat.run(["var p", "set_pgstat_chan 0", "set_pgstat_mode 2", "cell_off",
                       "meas_loop_ocp p 10 30", "  pck_start", "  pck_add p", "  pck_end", "endloop"])
            return try pstat.readLines { $0.isEmpty }.compactMap { MethodSCRIPTLine.value("ab", in: $0) }
        }

        // At rest both read the one cell's open-circuit voltage.
        let rest = try psb.poll()
        #expect(!rest.outputOn && rest.amperes == 0)
        let ocp0 = try potentiostatOCP()
        #expect(ocp0.count == 3 && ocp0.allSatisfy { abs($0 - rest.volts) <= volt }, "potentiostat \(ocp0) V, cycler \(rest.volts) V")

        // The cycler charges at 1 mA for 30 polls (300 s, 83 µAh).
        try psb.program(volts: 4.2, sourceAmperes: 1e-3, sinkAmperes: 1e-3)
        try psb.output(true)
        var charging: (outputOn: Bool, volts: Double, amperes: Double) = (false, 0, 0)
        for _ in 0..<30 { charging = try psb.poll() }
        #expect(charging.outputOn && abs(charging.amperes - 1e-3) <= Self.currentCount, "\(charging)")

        // While it drives, the potentiostat's cell_on is refused: !0032, critical overload.
        pstat.run(["var p", "set_pgstat_chan 0", "set_pgstat_mode 2", "set_e 3500m", "cell_on", "wait 1"])
        let refused = try pstat.readLines { $0.hasPrefix("!") || $0.isEmpty }
        #expect(refused.last?.hasPrefix("!0032") == true, "\(refused)")

        // Output off: the potentiostat now finds the cell the cycler charged, at the cycler's open-circuit reading.
        try psb.output(false)
        let relaxed = try psb.poll()
        #expect(!relaxed.outputOn && relaxed.amperes == 0)
        let ocp1 = try potentiostatOCP()
        #expect(ocp1.count == 3 && ocp1.allSatisfy { abs($0 - relaxed.volts) <= 2 * volt },
                "potentiostat \(ocp1) V, cycler \(relaxed.volts) V at open circuit")
        #expect((ocp1.first ?? 0) > (ocp0.first ?? 9) + 0.01, "the charge raised the one cell's OCV: \(ocp0) → \(ocp1)")

        // The potentiostat holds the cell 50 mV above it: while it drives, the cycler reads its
        // terminal voltage and no current, and its "output on" trips off at once.
        let hold = ((relaxed.volts + 0.05) * 1000).rounded()
        pstat.run(["var p", "var c", "set_pgstat_chan 0", "set_pgstat_mode 2", "set_e \(Int(hold))m", "cell_on",
                   "meas_loop_ca p c \(Int(hold))m 10 100000", "  pck_start", "  pck_add p", "  pck_add c", "  pck_end",
                   "endloop", "on_finished:", "  cell_off"])
        let first = try pstat.readLines { $0.hasPrefix("P") }
        let held = try #require(first.last.flatMap { MethodSCRIPTLine.value("ba", in: $0) })
        #expect(held > 0, "holding above the OCV charges: \(held) A")
        let during = try psb.poll()
        #expect(!during.outputOn && during.amperes == 0 && abs(during.volts - hold / 1000) <= volt,
                "cycler while the potentiostat drives: \(during)")
        try psb.output(true)
        let blocked = try psb.poll()
        #expect(!blocked.outputOn && blocked.amperes == 0, "output on refused while the potentiostat drives: \(blocked)")

        // Abort the potentiostat (Z): the cell is free, and the cycler's output comes on.
        pstat.send(["Z"])
        _ = try pstat.readLines { $0.isEmpty }
        try psb.output(true)
        let resumed = try psb.poll()
        #expect(resumed.outputOn && abs(resumed.amperes - 1e-3) <= Self.currentCount, "\(resumed)")
        try psb.output(false)
        sim.stop()
        #expect(sim.log.contains("2 refused switch-ons"), "the pair counted both refusals:\n\(sim.log)")
    }
}

// MARK: - Cycling on the cycler, EIS on the potentiostat, one cell

extension SeedPotentiostatTests {
    /// The seeds that cycle on one instrument and measure EIS on the other, with fewer cycles
    /// (the events move with them), each on its own `echem-sim pair`.
    /// `steady`: the cycles that follow one at the same rate (their charge returns as discharge).
    static let boundSeeds: [BoundSeed] = [
        BoundSeed(file: "protocols/seed-000/0-6-zns-eis-before-after-20-cycles.yaml",
                  edits: [("count: 19", "count: 2"), ("after_cycles: [20]", "after_cycles: [3]"), ("Cycle 20 done.", "Cycle 3 done.")],
                  cycles: 3, steady: [3], operators: ["Connect the fresh cell", "Move the cell to the cycler", "Cycle 3 done"],
                  hertz: 1e-2...1e5),
        BoundSeed(file: "protocols/seed-003/3-11-mos6-eis-after-cycles-1-20.yaml",
                  edits: [("count: 20", "count: 3"), ("after_cycles: [20]", "after_cycles: [3]")],
                  cycles: 3, steady: [2, 3],
                  operators: ["Move the cell to the EIS potentiostat", "Move the cell back", "Move the cell to the EIS potentiostat"],
                  hertz: 0.1...1e6),
        BoundSeed(file: "protocols/seed-003/3-12-mos6-eis-after-cycles-1-500.yaml",
                  edits: [("      count: 5 ", "      count: 2 "), ("count: 495", "count: 1"), ("after_cycles: [500]", "after_cycles: [3]")],
                  cycles: 3, steady: [2],
                  operators: ["Move the cell to the EIS potentiostat", "Move the cell back", "Move the cell to the EIS potentiostat"],
                  hertz: 0.1...1e6),
    ]

    struct BoundSeed {
        var file: String
        var edits: [(String, String)]
        var cycles: Int
        var steady: [Int]
        var operators: [String]
        var hertz: ClosedRange<Double>
    }

    @Test("seeds 0-6, 3-11, 3-12 on a bound pair: cycling over Modbus, EIS over MethodSCRIPT, one cell, one run, operator pauses resumed")
    func boundSeedEIS() async throws {
        let state = temporaryDirectory("seed-bound")
        var pairs: [SimulatorProcess] = []
        defer { pairs.forEach { $0.stop() } }
        var config = ""
        for (k, seed) in Self.boundSeeds.enumerated() {
            let pair = Self.pair(cell: seed.file, link: state + "/ttyP\(k)", log: state + "/pair\(k).log")
            try await pair.start()
            pairs.append(pair)
            config += Self.cyclerChannel("cyc-\(k)", address: pair.address)
            config += Self.potentiostatChannel("pst-\(k)", link: state + "/ttyP\(k)")
        }
        let daemon = try await Self.startDaemon(state, config: config)
        defer { daemon.kill(SIGKILL) }
        let jobs = try await runJobs(daemon, try Self.boundSeeds.enumerated().map { k, seed in
            ((seed.file as NSString).lastPathComponent, try seedText(seed.file, edits: seed.edits),
             ["channel": "cyc-\(k)", "potentiostat": "pst-\(k)"])
        }, within: 80)
        let store = try RunStore(path: daemon.storePath)
        #expect(try store.runs().count == Self.boundSeeds.count, "one run per job")
        for seed in Self.boundSeeds {
            let name = (seed.file as NSString).lastPathComponent
            let job = try #require(jobs[name])
            #expect(job.state == "done", "\(name): \(job.reason)\n\(daemon.log.suffix(2000))")
            try Self.checkBoundRun(store, job, seed, name)
        }
        // At no time did both instruments drive a cell: no switch-on was refused.
        for (k, pair) in pairs.enumerated() {
            pair.stop()
            #expect(pair.log.contains(" 0 refused switch-ons"), "pair \(k):\n\(pair.log.suffix(1500))")
        }
    }

    static func checkBoundRun(_ store: RunStore, _ job: FinishedJob, _ seed: BoundSeed, _ name: String) throws {
        let run = try #require(job.run)
        // Each operator step paused the job with its text, and was resumed over the socket.
        #expect(job.operatorPauses.count == seed.operators.count, "\(name): pauses \(job.operatorPauses)")
        for (reason, text) in zip(job.operatorPauses, seed.operators) {
            #expect(reason.hasPrefix("operator:") && reason.contains(text), "\(name): paused with '\(reason)', expected '\(text)'")
        }
        let events = try store.events(runID: run)
        #expect(events.filter { $0.kind == "pause" && $0.message.hasPrefix("operator:") }.count == seed.operators.count)
        #expect(events.filter { $0.kind == "resume" }.count == seed.operators.count)

        // Both instruments' data in the one run, on one time axis with no hole.
        let samples = try store.samples(runID: run, limit: 10_000_000)
        #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "\(name): no hole in the sequence")
        #expect(samples.map(\.testTime) == samples.map(\.testTime).sorted(), "\(name): time never steps back")

        // Two spectra as the protocol says: 10 points a decade over its range.
        let spectra = try store.spectra(runID: run)
        #expect(spectra.count == 2, "\(name): \(spectra.count) spectra")
        let decades = log10(seed.hertz.upperBound / seed.hertz.lowerBound)
        for s in spectra {
            let f = s.points.map(\.frequencyHz)
            #expect(s.points.count == Int(decades * 10) + 1, "\(name): \(s.points.count) points")
            #expect(abs((f.max() ?? 0) / seed.hertz.upperBound - 1) < 1e-9 && abs((f.min() ?? 0) / seed.hertz.lowerBound - 1) < 1e-9)
            #expect(s.points.allSatisfy { $0.real > 0 }, "\(name): a passive cell, Re Z > 0")
        }

        // Same cell: the potentiostat measures the voltage the cycler's rest left. The rest before
        // each spectrum is the cycler's, at open circuit (no current within one register count);
        // the spectrum step's sample is the potentiostat's open-circuit reading after it.
        let steps = try store.steps(runID: run)
        let eisSteps = steps.filter { $0.kind == .eis }
        #expect(eisSteps.count == 2)
        for eis in eisSteps {
            guard let rest = steps.last(where: { $0.stepCount < eis.stepCount }), rest.kind == .rest else {
                Issue.record("\(name): no rest before the spectrum at step \(eis.stepCount)")
                continue
            }
            let restSamples = samples.filter { $0.stepCount == rest.stepCount }
            let after = try #require(samples.last { $0.stepCount == eis.stepCount }, "\(name): the spectrum step has its sample")
            let before = try #require(restSamples.last)
            #expect(restSamples.allSatisfy { abs($0.amperes) < Self.currentCount }, "\(name): the cycler rests at open circuit")
            #expect(abs(before.stepTime - 3600) <= 10, "\(name): a 1 h rest, \(before.stepTime) s")
            #expect(abs(after.volts - before.volts) < 0.005,
                    "\(name): potentiostat \(after.volts) V after the spectrum vs the cycler's rest \(before.volts) V")
            #expect(after.amperes == 0)
        }

        // Capacities per cycle, by coulomb counting of the cycler's stored current.
        // (The steps after the last cycle, its event's rest and spectrum, count as the next cycle, with no charge.)
        var last: [Int: Sample] = [:]
        for s in samples { last[s.cycle] = s }
        let cycled = last.keys.sorted().filter { last[$0]!.cycleDischargeCapacity > 0 || last[$0]!.cycleChargeCapacity > 0 }
        #expect(cycled == Array(1...seed.cycles), "\(name): cycles with charge passed \(cycled)")
        for c in cycled {
            let s = last[c]!
            #expect(s.cycleDischargeCapacity > 0 && s.cycleChargeCapacity > 0,
                    "\(name) cycle \(c): \(s.cycleDischargeCapacity) Ah out, \(s.cycleChargeCapacity) Ah in")
            // Once the first cycle's irreversible loss is past and the rate stays, what goes in
            // comes back out within 5 %, the spectra in between (at open circuit) notwithstanding.
            if seed.steady.contains(c) {
                #expect(abs(s.cycleChargeCapacity / s.cycleDischargeCapacity - 1) < 0.05,
                        "\(name) cycle \(c): \(s.cycleChargeCapacity) Ah in for \(s.cycleDischargeCapacity) Ah out")
            }
        }
        var integral = 0.0, before = 0.0
        for s in samples {
            if s.amperes < 0 { integral += -s.amperes * (s.testTime - before) / 3600 }
            before = s.testTime
        }
        let stored = samples.last?.dischargeCapacity ?? 0
        #expect(abs(integral - stored) <= 1e-6 * stored, "\(name): ∫I dt \(integral) Ah vs stored \(stored) Ah")
    }
}

extension Array {
    fileprivate func repeated(_ n: Int) -> [Element] { (0..<n).flatMap { _ in self } }
}
