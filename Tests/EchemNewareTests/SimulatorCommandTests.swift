import EchemCore
import EchemDrivers
import EchemWireSim
import Foundation
import Testing

/// Every command of the client against the simulated BTS Client over real TCP.
@Suite("Neware simulator: every command over TCP")
struct SimulatorCommandTests {
    /// A started test on `channels` from a fixture table written to a temporary file.
    static func startTable(_ table: NewareStepTable, on channels: [BTSChannelAddress], client: BTSClient,
                           barcode: String = "S1") async throws -> (dir: String, results: [BTSChannelResult]) {
        let dir = try NewareFixtures.temporaryDirectory()
        let path = try NewareFixtures.write(NewareStepFileWriter.xml(table), to: dir)
        let results = try await client.start(channels.map { BTSStart(channel: $0, barcode: barcode, stepFilePath: path) })
        return (dir, results)
    }

    @Test("getdevinfo: devtype 27, 2 devices × 2 sub-devices × 8 channels, Channelid spelt as the real client spells it")
    func topology() async throws {
        let sim = try NewareFixtures.simulator(devices: 2, subdevices: 2)
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        try await client.connect()
        let info = try await client.deviceInfo()
        #expect(info.channels.count == 32)
        #expect(info.channels.allSatisfy { $0.address.devtype == 27 && $0.available })
        #expect(info.channels.first?.address.pipeline == "1-1-1" && info.channels.last?.address.pipeline == "2-2-8")
        #expect(info.serverIP == "127.0.0.1" && info.serverPort == 3306)
        let raw = try RawBTSClient(port: sim.port)
        let text = await raw.exchange(String(decoding: BTSRequest.getDeviceInfo.bytes, as: UTF8.self))
        #expect(text.contains("Channelid=\"8\">true</channel>"))
        await client.close()
    }

    @Test("start: one batch gives every channel the same test id; the next batch the next id; refusals answer 'false'")
    func startBatches() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        let chs = sim.channels
        let (dir, first) = try await Self.startTable(NewareFixtures.cyclingTable(), on: [chs[0], chs[1]], client: client)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(first.map(\.text) == ["ok", "ok"])
        let df = try await client.inquireDataFile([chs[0], chs[1]])
        #expect(df[0].testID == df[1].testID && df[0].testID > 0, "quirk 3: one test id per batch")
        let path = (dir as NSString).appendingPathComponent("steps.xml")
        let second = try await client.start([BTSStart(channel: chs[2], barcode: "S2", stepFilePath: path)])
        #expect(second.map(\.text) == ["ok"])
        #expect(try await client.inquireDataFile([chs[2]])[0].testID == df[0].testID + 1)

        // A running channel, a missing file and an unknown channel are refused, each with 'false'.
        let refused = try await client.start([
            BTSStart(channel: chs[0], barcode: "again", stepFilePath: path),
            BTSStart(channel: chs[3], barcode: "x", stepFilePath: dir + "/missing.xml"),
            BTSStart(channel: BTSChannelAddress(devid: 99, subdevid: 1, chlid: 1), barcode: "x", stepFilePath: path),
        ])
        #expect(refused.map(\.text) == ["false", "false", "false"])
        await #expect(throws: BTSError.refused(command: "start", channel: chs[0], text: "false")) {
            try await client.startOne(BTSStart(channel: chs[0], barcode: "again", stepFilePath: path))
        }
        await client.close()
    }

    @Test("inquire, stop, continue, goto, setpause/cancelpause, light across a test's life")
    func lifeCycle() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        let ch = sim.channels[0]
        let before = try #require(try await client.inquire([ch]).first)
        #expect(before.status == .finish && before.stepID == nil && before.stepType == nil, "an idle channel: step_type '--'")
        let (dir, _) = try await Self.startTable(NewareFixtures.cyclingTable(), on: [ch], client: client, barcode: "cell-7")
        defer { try? FileManager.default.removeItem(atPath: dir) }

        var now = try #require(try await client.inquire([ch]).first)
        #expect(now.status == .working && now.stepID == 1 && now.stepType == "rest" && now.barcode == "cell-7")
        sim.advance(seconds: 120)   // 60 s rest, then 60 s of the 1 mA discharge
        now = try #require(try await client.inquire([ch]).first)
        #expect(now.stepID == 2 && now.stepType == "dc")
        #expect(abs((now.amperes ?? 0) - -0.001) < 1e-12, "discharge current is negative")
        #expect(abs((now.stepSeconds ?? 0) - 60) < 1e-9 && abs((now.totalSeconds ?? 0) - 120) < 1e-9)
        #expect(abs((now.ampereHours ?? 0) - 0.001 * 60 / 3600) < 1e-12)

        #expect(try await client.stop([ch]).map(\.text) == ["ok"])
        #expect(try await client.channelStatus([ch]).first?.status == .stop)
        let stopped = try #require(try await client.inquire([ch]).first)
        #expect(stopped.status == .stop && stopped.amperes == 0 && stopped.stepID == 2, "output off, the step kept for continue")
        let rowsAtStop = try #require(sim.latestTest(of: ch)).rows
        sim.advance(seconds: 600)
        #expect(try #require(sim.latestTest(of: ch)).rows == rowsAtStop, "a stopped channel records nothing")
        #expect(try await client.resume([ch]).map(\.text) == ["ok"])
        sim.advance(seconds: 10)
        now = try #require(try await client.inquire([ch]).first)
        #expect(now.status == .working && now.stepID == 2 && abs((now.stepSeconds ?? 0) - 70) < 1e-9, "continue resumes the step where it was")

        #expect(try await client.goto([ch], step: 3).map(\.text) == ["ok"])
        now = try #require(try await client.inquire([ch]).first)
        #expect(now.stepID == 3 && now.stepType == "cc" && now.stepSeconds == 0)
        #expect(try await client.goto([ch], step: 4).map(\.text) == ["false"], "a cycle step is no goto target")

        #expect(try await client.setPause([ch]).map(\.text) == ["ok"])
        #expect(try await client.channelStatus([ch]).first?.reservePause == true)
        #expect(try await client.cancelPause([ch]).map(\.text) == ["ok"])
        #expect(try await client.channelStatus([ch]).first?.reservePause == false)
        #expect(try await client.setPause([ch]).map(\.text) == ["ok"])
        sim.advance(seconds: 4000)   // the charge ends at 4.0 V; the reserved pause holds the next step
        now = try #require(try await client.inquire([ch]).first)
        #expect(now.status == .pause, "paused at the end of the step in progress")
        #expect(try await client.resume([ch]).map(\.text) == ["ok"])
        #expect(try await client.channelStatus([ch]).first?.status == .working)

        #expect(try await client.light([ch], on: true).map(\.text) == ["ok"])
        #expect(try await client.light([ch], on: false).map(\.text) == ["ok"])
        await client.close()
    }

    @Test("a Pause step (type 13) waits for continue; protection trips to 'protect' and sets the flag clearflag clears")
    func pauseStepAndProtection() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        let (a, b) = (sim.channels[0], sim.channels[1])
        let pausing = NewareStepTable(steps: [
            NewareStep(id: 1, type: .rest, time: 10), NewareStep(id: 2, type: .pause), NewareStep(id: 3, type: .rest, time: 10),
            NewareStep(id: 4, type: .end),
        ])
        let (d1, _) = try await Self.startTable(pausing, on: [a], client: client)
        defer { try? FileManager.default.removeItem(atPath: d1) }
        sim.advance(seconds: 30)
        #expect(try await client.channelStatus([a]).first?.status == .pause)
        #expect(try await client.resume([a]).map(\.text) == ["ok"])
        sim.advance(seconds: 30)
        #expect(try await client.channelStatus([a]).first?.status == .finish)

        // 1 mA charge of the ideal 1 mAh cell from 3.5 V; protection at 3.6 V after a 5 s delay.
        var tripping = NewareStepTable(steps: [NewareStep(id: 1, type: .ccCharge, current: 1e-3, time: 7200), NewareStep(id: 2, type: .end)])
        tripping.protection = NewareProtection(maxVolts: 3.6, delay: 5)
        #expect(try await client.clearFlag([b]).map(\.text) == ["false"], "no flag set: false, as captured")
        let (d2, _) = try await Self.startTable(tripping, on: [b], client: client)
        defer { try? FileManager.default.removeItem(atPath: d2) }
        sim.advance(seconds: 7200)
        #expect(try await client.channelStatus([b]).first?.status == .protect)
        let reason = try #require(sim.stopReason(of: b))
        #expect(reason.contains("above 3.6 V"), "\(reason)")
        let last = try #require(try await client.downloadRows(b).rows.last)
        #expect(last.volts > 3.6 && last.volts < 3.62, "stopped within the delay of crossing 3.6 V: \(last.volts)")
        #expect(try await client.clearFlag([b]).map(\.text) == ["ok"])
        #expect(try await client.clearFlag([b]).map(\.text) == ["false"])
        await client.close()
    }

    @Test("CCCV clamps at its voltage and ends at the cut-off current, a CV hold likewise downwards; a Cap limit ends a CC step at Q = I·t")
    func constantVoltageSteps() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        let ch = sim.channels[0]
        let table = NewareStepTable(steps: [
            NewareStep(id: 1, type: .cccvCharge, current: 1e-3, voltage: 3.9, time: 36_000, stopCurrent: 1e-4),
            NewareStep(id: 2, type: .cvDischarge, current: 1e-3, voltage: 3.5, time: 36_000, stopCurrent: 5e-5),
            NewareStep(id: 3, type: .ccDischarge, current: 1e-3, stopCapacity: 1e-4),
            NewareStep(id: 4, type: .end),
        ], record: NewareRecordRule(seconds: 1))
        let (dir, _) = try await Self.startTable(table, on: [ch], client: client)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        sim.runUntilIdle(maxSeconds: 100_000)
        let rows = try await client.downloadRows(ch).rows
        let cccv = rows.filter { $0.stepID == 1 }, cv = rows.filter { $0.stepID == 2 }
        #expect(cccv.first?.stepType == "cccv" && cv.first?.stepType == "dv")
        #expect(cccv.allSatisfy { $0.volts <= 3.9 + 1e-9 && $0.amperes > 0 }, "never above the CV set-point, always charging")
        #expect(abs((cccv.first?.amperes ?? 0) - 1e-3) < 1e-15, "starts in CC at 1 mA")
        let endCharge = try #require(cccv.last)
        #expect(endCharge.amperes <= 1e-4 && endCharge.amperes > 0.9e-4 && abs(endCharge.volts - 3.9) < 1e-9)
        let endHold = try #require(cv.last)
        #expect(endHold.amperes < 0 && -endHold.amperes <= 5e-5 && abs(endHold.volts - 3.5) < 1e-9)
        let capped = rows.filter { $0.stepID == 3 }
        #expect(capped.count == 360, "0.1 mAh at 1 mA is 360 s, one row a second")
        #expect(abs((capped.last?.ampereHours ?? 0) - 1e-4) < 1e-15)
        await client.close()
    }

    @Test("download pages of 1000 by seqid: no seqid missing or repeated, equal to inquiredf's count; count 0 gives the test id")
    func downloadPaging() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let client = NewareFixtures.client(sim)
        let ch = sim.channels[0]
        let (dir, _) = try await Self.startTable(NewareFixtures.cyclingTable(cycles: 3, recordSeconds: 1), on: [ch], client: client)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        sim.advance(seconds: 2000)
        let partial = try #require(try await client.inquireDataFile([ch]).first)
        #expect(!partial.complete, "inquiredf says false while the test runs")
        sim.runUntilIdle(maxSeconds: 100_000)
        let df = try #require(try await client.inquireDataFile([ch]).first)
        #expect(df.complete && df.rowCount > 3000)

        let probe = try await client.download(ch, startSeqid: 0, count: 0)
        #expect(probe.rows.isEmpty && probe.testID == df.testID)

        let all = try await client.downloadRows(ch)
        #expect(all.rows.count == df.rowCount)
        #expect(all.rows.map(\.seqid) == Array(1...df.rowCount))
        // Resuming after seqid 2500, as a supervisor does after a restart.
        let tail = try await client.downloadRows(ch, testID: df.testID, after: 2500)
        #expect(tail.rows.first?.seqid == 2501 && tail.rows.count == df.rowCount - 2500)
        #expect(Set(tail.rows.map(\.seqid)).count == tail.rows.count)

        // Cycle ids: from 0 in download, from 1 in the step layer, for the same step.
        let layer = try await client.stepLayer(ch)
        let firstDischarge = try #require(layer.steps.first { $0.stepType == "dc" })
        let row = all.rows[firstDischarge.startSeqid - 1]
        #expect(row.stepType == "dc" && row.cycleID == 0 && firstDischarge.cycleID == 1)
        #expect(layer.steps.count == 1 + 3 * 2)
        for (a, b) in zip(layer.steps, layer.steps.dropFirst()) { #expect(b.startSeqid == a.endSeqid + 1, "step layer covers every row") }
        await client.close()
    }

    @Test("the unit scale: a simulator reporting mA and a client configured for mA give the same SI values as A and A")
    func unitScalesAgree() async throws {
        var firsts: [BTSDetailRow] = []
        for units in [BTSUnitScale.amperes, .milliamperes] {
            let sim = try NewareFixtures.simulator(units: units)
            let client = NewareFixtures.client(sim, units: units)
            let ch = sim.channels[0]
            let (dir, _) = try await Self.startTable(NewareFixtures.cyclingTable(), on: [ch], client: client)
            sim.advance(seconds: 300)
            let rows = try await client.downloadRows(ch).rows
            firsts.append(try #require(rows.first { $0.stepType == "dc" && $0.testTime >= 200 }))
            await client.close()
            sim.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }
        #expect(abs(firsts[0].amperes - firsts[1].amperes) < 1e-15 && abs(firsts[0].amperes - -0.001) < 1e-15)
        #expect(abs(firsts[0].ampereHours - firsts[1].ampereHours) < 1e-15)
        #expect(firsts[0].volts == firsts[1].volts)
    }

    @Test("garbage gets an error reply or a hang-up, never a crash; the simulator keeps serving")
    func garbage() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let raw = try RawBTSClient(port: sim.port)
        let junk = await raw.exchange("hello#\r\n")
        #expect(junk.contains("<result>false</result>") && junk.contains("not a BTS request"), "\(junk)")
        let broken = await raw.exchange("<bts version=\"1.0\"><cmd>inquire</cmd><list count=\"1\"></bts>\n\n#\r\n")
        #expect(broken.contains("<cmd>error</cmd>") && broken.contains("&lt;/bts&gt; closes &lt;list&gt;"), "\(broken)")
        var binary = [UInt8](repeating: 0, count: 4096)
        for k in binary.indices { binary[k] = UInt8(truncatingIfNeeded: k &* 2_654_435_761 >> 7) }
        await raw.send(binary + Array("#\r\n".utf8))
        #expect(String(decoding: await raw.read().bytes, as: UTF8.self).contains("<result>false</result>"))
        let unknown = await raw.exchange("<bts version=\"1.0\"><cmd>chl_ctrl</cmd></bts>\n\n#\r\n")
        #expect(unknown.contains("<cmd>chl_ctrl_resp</cmd>") && unknown.contains("unsupported command 'chl_ctrl'"))
        let odd = await raw.exchange("<bts version=\"1.0\"><cmd>download</cmd><download devtype=\"27\" devid=\"1\" subdevid=\"1\" "
                                     + "chlid=\"1\" testid=\"-3\" startpos=\"-5\" count=\"99999999\"/></bts>\n\n#\r\n")
        #expect(odd.contains("<cmd>donwload_resp</cmd>") && odd.contains("<list count=\"0\">"))
        let ok = await raw.exchange(String(decoding: BTSRequest.connect(username: "a", password: "b").bytes, as: UTF8.self))
        #expect(ok.contains("<result>ok</result>"), "the same connection still answers after garbage")

        // Two megabytes with no end of document: the simulator hangs up on that client only.
        let flood = try RawBTSClient(port: sim.port)
        await flood.send([UInt8](repeating: UInt8(ascii: "<"), count: 2 << 20))
        #expect(await flood.read(timeout: 5).closed)
        let client = NewareFixtures.client(sim)
        #expect(try await client.deviceInfo().channels.count == 16)
        await client.close()
    }
}
