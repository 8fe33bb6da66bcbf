import EchemCore
import EchemDrivers
import EchemProtocol
import EchemSim
import EchemWireSim
import Foundation
import Testing

/// A compiled seed protocol run on the simulated BTS and downloaded over TCP, as a supervisor
/// does it: the capacities agree with coulomb counting, and the rows map back to the program.
@Suite("Neware: step files run on the simulator, rows mapped back")
struct SimulatedRunTests {
    /// Seed row 1-1 with every loop capped at 2 passes (2 × 0.1C, 1 × 0.2C, 2 × 1C: 5 cycles).
    static func row11() throws -> (StepProgram, NewareStepFile) {
        let program = try NewareFixtures.program(NewareFixtures.row11, loopCountCap: 2)
        return (program, try NewareStepFile.compile(program, options: .init(remark: "row 1-1")))
    }

    /// Compiles, writes, starts, runs to the end and downloads every row.
    static func run(_ file: NewareStepFile, cell: SimulatedCell, units: BTSUnitScale = .amperes)
        async throws -> (sim: NewareSimulator, channel: BTSChannelAddress, page: BTSDetailPage, layer: BTSStepLayer) {
        let dir = try NewareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try NewareFixtures.simulator(cell: cell, units: units, stepRoot: dir)
        let client = NewareFixtures.client(sim, units: units)
        let ch = sim.channels[5]
        _ = try NewareFixtures.write(file.xml(), to: dir, name: "run.xml")
        // The BTS machine's view of the file: a Windows path, mapped under the step root.
        try await client.startOne(BTSStart(channel: ch, barcode: "cell", stepFilePath: "D:\\run.xml"))
        sim.runUntilIdle(maxSeconds: 10_000_000, chunk: 50_000)
        let page = try await client.downloadRows(ch, limit: 1_000_000)
        let layer = try await client.stepLayer(ch)
        await client.close()
        return (sim, ch, page, layer)
    }

    @Test("row 1-1 on the li_s cell: each step's capacity is ∫|I|dt of its rows, and the totals equal the cell's own coulomb count")
    func coulombCounting() async throws {
        let (program, file) = try Self.row11()
        let cell = try #require(program.cell)
        let (sim, ch, page, layer) = try await Self.run(file, cell: .metadata(cell))
        defer { sim.stop() }
        #expect(sim.status(of: ch) == .finish && sim.stopReason(of: ch) == "end of step file")
        #expect(layer.steps.count == 10, "5 cycles of discharge + charge")
        var charged = 0.0, discharged = 0.0
        var previousEnd = 0.0
        for step in layer.steps {
            let rows = page.rows[(step.startSeqid - 1)..<step.endSeqid]
            var integral = 0.0
            var t = previousEnd
            for r in rows {
                integral += abs(r.amperes) * (r.testTime - t) / 3600
                t = r.testTime
            }
            previousEnd = t
            let cap = try #require(rows.last).ampereHours
            #expect(abs(integral - cap) <= 1e-12 * max(cap, 1e-9), "step \(step.stepIndex): ∫|I|dt \(integral) Ah vs cap \(cap) Ah")
            #expect(abs(step.ampereHours - cap) <= 1e-15, "the step layer carries the step's final capacity")
            if step.stepType == "cc" { charged += cap } else { discharged += cap }
        }
        let state = try #require(sim.cell(of: ch)).state
        #expect(abs(charged - state.chargedAh) <= 1e-12 * state.chargedAh)
        #expect(abs(discharged - state.dischargedAh) <= 1e-12 * state.dischargedAh)
        #expect(discharged > 0.5 * 1.894e-3, "the li_s cell delivers more than half its 1.894 mAh at 0.1C: \(discharged)")
    }

    @Test("the first 0.1C discharge equals the same cell stepped directly: the simulator adds nothing to the physics")
    func sameAsCellModel() async throws {
        let (program, file) = try Self.row11()
        let cell = try #require(program.cell)
        let (sim, _, page, layer) = try await Self.run(file, cell: .metadata(cell))
        sim.stop()
        let first = try #require(layer.steps.first)
        var model = try SimulatedChannel.forCell(cell).state().cell
        // The current as the step file carries it: mA to 6 decimals (1 nA), as aurora-unicycler writes it.
        let written = try NewareStepFileReader.read(Array(file.xml().utf8))
        let amperes = -(try #require(written.steps[0].current))
        #expect(abs(-amperes - 0.1 * 1.675 * 1.131e-3) < 1e-9)
        var ah = 0.0, seconds = 0.0, volts = 0.0
        repeat {
            let r = model.step(CellDrive(.current(amperes), minVolts: -5, maxVolts: 5, maxAbsCurrent: 0.1), dt: 1)
            ah += abs(r.amperes) / 3600
            seconds += 1
            volts = r.volts
        } while volts > 1.7 && seconds < 200_000
        #expect(first.stepTime == seconds)
        #expect(abs(first.ampereHours - ah) <= 1e-15)
        #expect(abs(page.rows[first.endSeqid - 1].volts - volts) < 1e-13, "equal to the 15 significant digits the BTS reports")
    }

    @Test("mapped to samples: seq from 0 without gaps, program step ids, 5 cycles with their totals, + = charge")
    func mappedSamples() async throws {
        let (program, file) = try Self.row11()
        let (sim, _, page, layer) = try await Self.run(file, cell: .metadata(try #require(program.cell)))
        sim.stop()
        var mapper = NewareRowMapper(map: file.map)
        var out = mapper.map(page.rows)
        #expect(out.notes.isEmpty, "\(out.notes)")
        #expect(out.cyclesEnded.map(\.cycle) == [1, 2, 3, 4], "the last pass of the last loop is known only at the end")
        let end = mapper.finish()
        #expect(end.notes.isEmpty && mapper.finish().cyclesEnded.isEmpty, "finish is idempotent")
        out.cyclesEnded += end.cyclesEnded
        #expect(out.samples.map(\.seq) == (0..<Int64(page.rows.count)).map { $0 })
        #expect(out.transitions.map(\.programStepID) == [1, 2, 1, 2, 3, 4, 5, 6, 5, 6])
        #expect(out.transitions.map(\.cycle) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(out.cyclesEnded.map(\.cycle) == [1, 2, 3, 4, 5])
        #expect(Set(out.samples.map(\.cycle)) == Set(1...5))
        // Discharge rows are negative, charge rows positive, and per-cycle totals are the steps' capacities.
        #expect(out.samples.filter { $0.stepID == 1 }.allSatisfy { $0.amperes < 0 && $0.stepCapacity <= 0 })
        #expect(out.samples.filter { $0.stepID == 2 }.allSatisfy { $0.amperes > 0 && $0.stepCapacity >= 0 })
        for (k, totals) in out.cyclesEnded.enumerated() {
            let dis = layer.steps[2 * k], chg = layer.steps[2 * k + 1]
            #expect(abs(totals.dischargeAh - dis.ampereHours) <= 1e-15 && abs(totals.chargeAh - chg.ampereHours) <= 1e-15)
        }
        let last = try #require(out.samples.last)
        #expect(abs(last.chargeCapacity - layer.steps.filter { $0.stepType == "cc" }.map(\.ampereHours).reduce(0, +)) < 1e-15)
        // Step time restarts at each step: the first row of each step is one physics step in.
        for t in out.transitions {
            let s = out.samples[Int(try #require(t.firstSeq))]
            #expect(s.stepTime == 1 && s.stepCount == t.stepCount)
        }
        #expect(out.samples.first.map { abs($0.unixTime - Date().timeIntervalSince1970) < 3600 } == true)
    }

    @Test("mapping in batches with the state saved and restored (a daemon restart), re-fed rows skipped: the same samples")
    func mapperResumes() async throws {
        let (program, file) = try Self.row11()
        let (sim, _, page, _) = try await Self.run(file, cell: .metadata(try #require(program.cell)))
        sim.stop()
        var whole = NewareRowMapper(map: file.map)
        let once = whole.map(page.rows)
        var first = NewareRowMapper(map: file.map)
        let cut = page.rows.count / 3
        let a = first.map(Array(page.rows[..<cut]))
        let saved = try JSONEncoder().encode(first.state)
        var second = NewareRowMapper(map: file.map, state: try JSONDecoder().decode(NewareRowMapper.State.self, from: saved))
        let b = second.map(Array(page.rows[(cut - 50)...]))   // 50 rows again, as after a restart
        #expect(a.samples + b.samples == once.samples)
        #expect(a.transitions + b.transitions == once.transitions)
        #expect((a.cyclesEnded + b.cyclesEnded).map(\.cycle) == once.cyclesEnded.map(\.cycle))
    }

    @Test("a one-step loop body and an operator pause map to separate steps; charge_after_discharge cycles as the engine counts them")
    func loopsPausesAndCycleDefinitions() async throws {
        let yaml = """
        echemd: 1
        name: small
        cycle_definition: charge_after_discharge
        record: {every: 30 s}
        steps:
          - loop:
              count: 3
              steps:
                - {charge: 1 mA, until: [time >= 2 min]}
          - operator: swap the cell
          - {discharge: 1 mA, until: [time >= 2 min]}
          - {charge: 1 mA, until: [time >= 2 min]}
          - {discharge: 1 mA, until: [time >= 2 min]}
        """
        let program = try NewareFixtures.program(yaml: yaml)
        let file = try NewareStepFile.compile(program)
        #expect(file.table.steps.map(\.type) == [.ccCharge, .cycle, .pause, .ccDischarge, .ccCharge, .ccDischarge, .end])
        let dir = try NewareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        let ch = sim.channels[0]
        try await client.startOne(BTSStart(channel: ch, barcode: "p", stepFilePath: try NewareFixtures.write(file.xml(), to: dir)))
        sim.runUntilIdle(maxSeconds: 10_000)
        #expect(try await client.inquire([ch]).first?.status == .pause, "the Pause step waits for the operator")
        #expect(try await client.resume([ch]).map(\.text) == ["ok"])
        sim.runUntilIdle(maxSeconds: 10_000)
        let rows = try await client.downloadRows(ch).rows
        await client.close()
        var mapper = NewareRowMapper(map: file.map)
        let out = mapper.map(rows)
        #expect(out.notes.isEmpty, "\(out.notes)")
        #expect(out.transitions.map(\.programStepID) == [1, 1, 1, 2, 3, 4, 5])
        #expect(out.transitions.map { $0.firstSeq == nil } == [false, false, false, true, false, false, false])
        // charge_after_discharge: a new cycle at the charge that follows a discharge.
        #expect(out.transitions.map(\.cycle) == [1, 1, 1, 1, 1, 2, 2])
        #expect(rows.filter { $0.stepID == 1 }.map(\.cycleID).reduce(into: Set<Int>()) { $0.insert($1) } == [0, 1, 2],
                "the BTS cycle id moves at each pass of the cycle step")
    }
}
