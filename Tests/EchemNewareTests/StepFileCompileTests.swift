import EchemCore
import EchemDrivers
import EchemProtocol
import Foundation
import Testing

/// Step programs to Neware step files (research §1.6: 0.1 mV, mA, ms, mA·s; Step_Type codes),
/// and the located refusals for what the format cannot carry.
@Suite("Neware step-file compiler")
struct StepFileCompileTests {
    static let fixedDate = Date(timeIntervalSince1970: 1_764_000_000)

    @Test("seed row 1-1 compiles to 10 steps: 3 loops as cycle steps (2, 1, 197 passes) and an End step")
    func row11Structure() throws {
        let program = try NewareFixtures.program(NewareFixtures.row11)
        let file = try NewareStepFile.compile(program, options: .init(remark: "cell-11"))
        let t = file.table
        #expect(t.steps.map(\.type) == [.ccDischarge, .ccCharge, .cycle, .ccDischarge, .ccCharge, .cycle,
                                         .ccDischarge, .ccCharge, .cycle, .end])
        #expect(t.steps.map(\.id) == Array(1...10))
        #expect(t.steps[2].cycleStart == 1 && t.steps[2].cycleCount == 2)
        #expect(t.steps[5].cycleStart == 4 && t.steps[5].cycleCount == 1)
        #expect(t.steps[8].cycleStart == 7 && t.steps[8].cycleCount == 197)
        // 1C = 1675 mAh/g × 1.131 mg = 1.894425 mA.
        let oneC = 1.675 * 1.131e-3
        #expect(abs((t.steps[0].current ?? 0) - 0.1 * oneC) < 1e-12 && abs((t.steps[3].current ?? 0) - 0.2 * oneC) < 1e-12)
        #expect(abs((t.steps[6].current ?? 0) - oneC) < 1e-12)
        #expect(t.steps[0].stopVoltage == 1.7 && t.steps[1].stopVoltage == 2.8)
        #expect(t.protection == NewareProtection(maxVolts: 2.9, minVolts: 1.6, maxAmperes: 0.004, minAmperes: -0.004, delay: 1))
        #expect(t.record == NewareRecordRule(seconds: 10, deltaVolts: 0.005))
        #expect(abs((t.nominalCapacityAh ?? 0) - oneC) < 1e-15 && t.remark == "cell-11")
        #expect(file.notes.contains { $0.contains("step-time limit 1 d 6 h") }, "the 30 h step cap is left to the supervisor: \(file.notes)")
    }

    @Test("the XML carries step-file units: 0.1 mV, mA, ms, mA·s, in the layout BTS 8 reads")
    func row11Units() throws {
        let file = try NewareStepFile.compile(try NewareFixtures.program(NewareFixtures.row11))
        let xml = file.xml(date: Self.fixedDate, guid: "00000000-0000-0000-0000-000000000001")
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<root>\r\n  <config type=\"Step File\" version=\"17\""))
        #expect(xml.contains("date=\"20251124160000\" Guid=\"00000000-0000-0000-0000-000000000001\""))
        #expect(xml.contains("<Step1 Step_ID=\"1\" Step_Type=\"2\">"))
        #expect(xml.contains("<Curr Value=\"0.189443\" />"), "0.1C = 189.4425 µA, in mA to 1 nA")
        #expect(xml.contains("<Stop_Volt Value=\"17000\" />") && xml.contains("<Stop_Volt Value=\"28000\" />"))
        #expect(xml.contains("<Start_Step Value=\"7\" />\r\n") && xml.contains("<Cycle_Count Value=\"197\" />"))
        #expect(xml.contains("<Upper Value=\"29000\" />") && xml.contains("<Lower Value=\"16000\" />"), "protection in 0.1 mV")
        #expect(xml.contains("<Upper Value=\"4\" />") && xml.contains("<Lower Value=\"-4\" />"), "current protection in mA")
        #expect(xml.contains("<Delay_Time Value=\"1000\" />"))
        #expect(xml.contains("<Record>\r\n        <Main>\r\n          <Time Value=\"10000\" />\r\n          <Volt Value=\"50\" />"),
                "record every 10 000 ms or 50 × 0.1 mV")
        #expect(xml.contains("<MultCap Value=\"6819.93\" />"), "1.894425 mAh × 3600 = 6819.93 mA·s")
        #expect(xml.contains("<Step10 Step_ID=\"10\" Step_Type=\"6\" />"))
    }

    @Test("write then read gives the same table back, every field included")
    func roundTrip() throws {
        let file = try NewareStepFile.compile(try NewareFixtures.program(NewareFixtures.row11))
        let back = try NewareStepFileReader.read(Array(file.xml().utf8))
        #expect(back.steps.count == file.table.steps.count)
        for (a, b) in zip(file.table.steps, back.steps) {
            #expect(a.type == b.type && a.cycleStart == b.cycleStart && a.cycleCount == b.cycleCount)
            #expect(a.stopVoltage == b.stopVoltage, "whole 0.1 mV values come back exactly")
            #expect(abs((a.current ?? 0) - (b.current ?? 0)) < 5e-10, "1 nA: the file keeps mA to 6 decimals")
        }
        let full = NewareStepTable(steps: [
            NewareStep(id: 1, type: .cccvCharge, current: 0.002, voltage: 4.2, time: 7200, stopCurrent: 0.0001, stopCapacity: 0.003,
                       protection: NewareProtection(maxVolts: 4.25, minVolts: 2.5, maxAmperes: 0.003, minAmperes: -0.003, maxCapacity: 0.004, delay: 2)),
            NewareStep(id: 2, type: .pause),
            NewareStep(id: 3, type: .cvDischarge, current: 0.001, voltage: 3.0, stopCurrent: 0.00005),
            NewareStep(id: 4, type: .end),
        ], protection: NewareProtection(maxVolts: 4.3), record: NewareRecordRule(seconds: 5, deltaVolts: 0.001, deltaAmperes: 0.0001),
           nominalCapacityAh: 0.002, creator: "me", remark: "电池 7")
        let read = try NewareStepFileReader.read(Array(NewareStepFileWriter.xml(full).utf8))
        #expect(read == full)
    }

    @Test("a BTS file declaring encoding GB2312 but holding UTF-8 reads; a broken file names what is wrong")
    func readerTolerance() throws {
        let gb = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\n<root><config type=\"Step File\"><Head_Info><Remark Value=\"酯类电解液\"/></Head_Info>"
            + "<Step_Info Num=\"2\"><Step1 Step_ID=\"1\" Step_Type=\"4\"><Limit><Main><Time Value=\"36000000\"/></Main></Limit></Step1>"
            + "<Step2 Step_ID=\"2\" Step_Type=\"6\"/></Step_Info></config></root>"
        let t = try NewareStepFileReader.read(Array(gb.utf8))
        #expect(t.remark == "酯类电解液" && t.steps[0].time == 36_000 && t.steps[1].type == .end)
        #expect(throws: NewareStepFileError("step 1: Step_Type 11 is not one this reader knows (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 17, 19, 20, 25)")) {
            try NewareStepFileReader.read(Array(gb.replacingOccurrences(of: "Step_Type=\"4\"", with: "Step_Type=\"11\"").utf8))
        }
        #expect(throws: NewareStepFileError.self) { try NewareStepFileReader.read(Array("<root><config>".utf8)) }
    }

    @Test("the map sends Step_IDs back to program steps and labels to Step_IDs")
    func map() throws {
        let program = try NewareFixtures.program(NewareFixtures.row11)
        let m = try NewareStepFile.compile(program).map
        #expect((1...10).map { m.programStepID($0) } == [1, 2, nil, 3, 4, nil, 5, 6, nil, nil])
        #expect(m.newareStep(programStepID: 5) == 7)
        #expect(m.newareStep(label: "activation_0p2C") == 4 && m.newareStep(label: "cycling_1C") == 7)
        guard case .loopEnd(_, let label, let start, let count, let advances)? = m.entry(9) else {
            Issue.record("Step_ID 9 should close the 1C loop")
            return
        }
        #expect(label == "cycling_1C" && start == 7 && count == 197 && advances)
    }

    @Test("seed row 0-3 is refused at its three watchdogs ('time >= … then end'), each with file, line, step id and label")
    func row03Refused() throws {
        let program = try NewareFixtures.program(NewareFixtures.row03)
        do {
            _ = try NewareStepFile.compile(program)
            Issue.record("0-3 should be refused")
        } catch let e {
            #expect(e.problems.map(\.stepID) == [1, 3, 4])
            #expect(e.problems.map(\.label) == ["first_lithiation", "lithiate", "delithiate"])
            #expect(e.problems.allSatisfy { $0.location.file.hasSuffix("0-3-zns-long-cycling.yaml") && $0.location.line > 0 })
            let first = e.problems[0].description
            #expect(first.contains(":\(e.problems[0].location.line):\(e.problems[0].location.column): error: step 1 'first_lithiation': "
                                   + "cannot run on a Neware tester: 'time >= 20 h then end'"), "\(first)")
        }
    }

    /// The problems of a seed protocol, or of inline YAML.
    static func problems(_ program: StepProgram, _ options: NewareStepFile.Options = .init()) -> [NewareCompileProblem] {
        do { _ = try NewareStepFile.compile(program, options: options); return [] } catch { return error.problems }
    }

    @Test("refusals name the step: a CV sweep, EIS events after cycles, a goto on a condition, a GITT until-loop, chamber steps")
    func seedRefusals() throws {
        let cv = Self.problems(try NewareFixtures.program("seed-001/1-4-lis-cv.yaml"))
        #expect(cv.count == 1 && cv[0].stepID == 1 && cv[0].reason.contains("cyclic voltammetry sweep"))
        let eis = Self.problems(try NewareFixtures.program("seed-001/1-5-lis-eis-at-cycles-50-100-200.yaml"))
        #expect(eis.count == 1 && eis[0].stepID == nil && eis[0].location.line > 0 && eis[0].reason.contains("events after chosen cycles"))
        let goto = Self.problems(try NewareFixtures.program("seed-002/2-1-li-cu-ce-1ma.yaml"))
        #expect(goto.count == 1 && goto[0].label == "strip" && goto[0].reason.contains("then goto final_ocv"))
        let gitt = Self.problems(try NewareFixtures.program("templates/gitt.yaml"))
        #expect(gitt.map(\.label) == ["gitt_discharge", "gitt_charge"] && gitt.allSatisfy(\.isLoop))
        #expect(gitt[0].description.contains("loop 1 'gitt_discharge': cannot run on a Neware tester: a loop until a condition"))
        let chamber = Self.problems(try NewareFixtures.program("seed-004/4-9a-li2s-si-rate-vs-temperature.yaml"))
        #expect(!chamber.isEmpty && chamber.allSatisfy { $0.reason.contains("chamber temperature") })
    }

    @Test("refusals name the step: constant power, a voltage cut-off against the step's direction, a CV hold of unknown direction, a channel range")
    func inlineRefusals() throws {
        let yaml = """
        echemd: 1
        name: refusals
        safety: {voltage: [2.5 V, 4.3 V], current: 10 mA}
        steps:
          - {label: cp, power: -10 mW, until: [time >= 1 h]}
          - {label: backwards, discharge: 1 mA, until: [V >= 3.0 V]}
          - {label: hold, hold: 3.0 V, until: [time >= 1 h]}
          - {label: big, charge: 9 mA, until: [V >= 4.2 V]}
        """
        let p = Self.problems(try NewareFixtures.program(yaml: yaml), .init(maxAbsCurrent: 0.005))
        #expect(p.map(\.stepID) == [1, 2, 4])
        #expect(p[0].reason.contains("constant-power"))
        #expect(p[1].reason.contains("'V >= 3.0 V' on a discharge step"), "\(p[1].reason)")
        #expect(p[2].reason.contains("beyond the channel's ±5 mA"), "\(p[2].reason)")
        let alone = """
        echemd: 1
        name: hold first
        steps:
          - {label: hold, hold: 4.0 V, until: [time >= 1 h]}
        """
        let h = Self.problems(try NewareFixtures.program(yaml: alone))
        #expect(h.count == 1 && h[0].reason.contains("CV_Chg or CV_DChg"))
    }
}
