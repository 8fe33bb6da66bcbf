import EchemDrivers
import Foundation
import Testing

/// The client against scripted replies in the captured shapes: the real quirks (research §1.5)
/// are tolerated, and every failure is a typed, worded error.
@Suite("BTS client: quirks and failures")
struct ClientQuirkTests {
    static let channel = BTSChannelAddress(devid: 21, subdevid: 1, chlid: 1)

    /// The captured `download` reply shape, misspelt command and all.
    static func downloadReply(curr: String, cap: String) -> [UInt8] {
        ScriptedBTSServer.captured([
            "<cmd>donwload_resp</cmd>",
            "<download devtype=\"27\" devid=\"21\" subdevid=\"1\" chlid=\"1\" testid=\"143\" startpos=\"219576\" count=\"1000\" auxid=\"0\" />",
            "<list count=\"1\">",
            "  <data seqid=\"219576\" stepid=\"24\" cycleid=\"29\" steptype=\"dc\" testtime=\"36070000\" atime=\"2025-12-28 22:29:05\" "
                + "volt=\"3.6780698299408\" curr=\"\(curr)\" cap=\"\(cap)\" eng=\"0.0135611368830335\" />",
            "</list>",
        ])
    }

    @Test("'donwload_resp' (the real misspelling) is accepted; ms become s, A stay A, cycleid is passed on from 0")
    func misspeltDownload() async throws {
        let server = try ScriptedBTSServer { _, _ in .reply([Self.downloadReply(curr: "-0.000295051460852847", cap: "0.00295628436449786")]) }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5, unitScale: .amperes))
        let page = try await client.download(Self.channel, startSeqid: 219_576)
        #expect(page.testID == 143)
        let row = try #require(page.rows.first)
        #expect(row.seqid == 219_576 && row.stepID == 24 && row.cycleID == 29 && row.stepType == "dc")
        #expect(row.testTime == 36_070)
        #expect(row.amperes == -0.000295051460852847)
        #expect(row.ampereHours == 0.00295628436449786)
        let sent = String(decoding: try #require(server.requests.first), as: UTF8.self)
        #expect(sent.contains("<download devtype=\"27\" devid=\"21\" subdevid=\"1\" chlid=\"1\" auxid=\"0\" testid=\"0\" startpos=\"219576\" count=\"1000\"/>"))
        await client.close()
    }

    @Test("with the unit scale configured as mA, -0.295 mA and 2.956 mAh read as -0.000295 A and 0.002956 Ah")
    func milliampereScale() async throws {
        let server = try ScriptedBTSServer { _, _ in .reply([Self.downloadReply(curr: "-0.295", cap: "2.956")]) }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5, unitScale: .milliamperes))
        let row = try #require(try await client.download(Self.channel, startSeqid: 1).rows.first)
        #expect(abs(row.amperes - -0.000295) < 1e-15)
        #expect(abs(row.ampereHours - 0.002956) < 1e-15)
        #expect(row.volts == 3.6780698299408, "voltage is volts in either scale")
        await client.close()
    }

    @Test("getchlstatus: a reply naming subdevid 1 for channel 13-5-5 is taken as 13-5-5 (matched by order)")
    func straySubdevice() async throws {
        let server = try ScriptedBTSServer { _, _ in
            .reply([ScriptedBTSServer.captured(["<cmd>getchlstatus_resp</cmd>", "<list count=\"1\">",
                                                "  <status ip=\"127.0.0.1\" devtype=\"27\" devid=\"13\" subdevid=\"1\" chlid=\"5\" reservepause=\"1\">working</status>",
                                                "</list>"])])
        }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5))
        let asked = BTSChannelAddress(devid: 13, subdevid: 5, chlid: 5)
        let s = try #require(try await client.channelStatus([asked]).first)
        #expect(s.channel == asked)
        #expect(s.reportedChannel?.subdevid == 1)
        #expect(s.status == .working && s.reservePause)
        await client.close()
    }

    @Test("no reply: a timeout error after the command timeout, and the next command opens a new connection")
    func timeoutThenReconnect() async throws {
        let ok = ScriptedBTSServer.captured(["<cmd>connect_resp</cmd>", "<result>ok</result>"])
        let server = try ScriptedBTSServer { _, n in n == 1 ? .silence : .reply([ok]) }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 0.4))
        let t0 = Date()
        do {
            try await client.connect()
            Issue.record("expected a timeout")
        } catch let e {
            #expect(e == .timeout(command: "connect", seconds: 0.4))
            #expect(e.description.contains("no reply from the BTS Client within 0.4 s"))
        }
        #expect(Date().timeIntervalSince(t0) >= 0.39)
        try await client.connect()
        #expect(server.connections == 2, "the timed-out connection was closed, a new one opened")
        await client.close()
    }

    @Test("a dropped connection: a read is retried once on a new connection, a write (stop) is not resent")
    func droppedConnection() async throws {
        let devinfo = ScriptedBTSServer.captured(["<cmd>getdevinfo_resp</cmd>", "<serverip count=\"1\"><server ip=\"127.0.0.1\" port=\"3306\" /></serverip>",
                                                  "<middle count=\"1\"><channel ip=\"127.0.0.1\" devtype=\"27\" devid=\"21\" subdevid=\"1\" Channelid=\"1\">true</channel></middle>"])
        let server = try ScriptedBTSServer { text, n in
            if n == 2 || n == 4 { return .close }
            return .reply([devinfo])
        }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5))
        _ = try await client.deviceInfo()                      // request 1
        let info = try await client.deviceInfo()               // request 2 dropped, request 3 answers
        #expect(info.channels.map(\.address.pipeline) == ["21-1-1"] && info.serverPort == 3306)
        #expect(server.requests.count == 3)
        do {
            _ = try await client.stop([Self.channel])          // request 4 dropped: not resent
            Issue.record("expected a lost connection")
        } catch let e {
            guard case .connectionLost(let cmd, _) = e else { Issue.record("got \(e)"); return }
            #expect(cmd == "stop")
        }
        #expect(server.requests.count == 4)
        await client.close()
    }

    @Test("<result>false</result> is a device error carrying the text; a reply to another command is refused")
    func deviceErrorAndWrongReply() async throws {
        let server = try ScriptedBTSServer { _, n in
            n == 1 ? .reply([ScriptedBTSServer.captured(["<cmd>connect_resp</cmd>", "<result>false</result>"])])
                : .reply([ScriptedBTSServer.captured(["<cmd>getdevinfo_resp</cmd>", "<middle count=\"0\"></middle>"])])
        }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5))
        await #expect(throws: BTSError.deviceError(command: "connect", text: "false")) { try await client.connect() }
        do {
            _ = try await client.inquire([Self.channel])
            Issue.record("expected an unexpected-reply error")
        } catch let e {
            #expect(e.description.contains("<cmd>getdevinfo_resp</cmd>, expected inquire_resp"), "\(e)")
        }
        await client.close()
    }

    @Test("nothing listening: cannotConnect names host, port and the reason")
    func cannotConnect() async throws {
        let server = try ScriptedBTSServer { _, _ in .silence }
        let port = server.port
        server.stop()
        try await Task.sleep(for: .milliseconds(150))
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: port, commandTimeout: 2, connectTimeout: 1))
        do {
            try await client.connect()
            Issue.record("expected cannotConnect")
        } catch let e {
            guard case .cannotConnect(let h, let p, let why) = e else { Issue.record("got \(e)"); return }
            #expect(h == "127.0.0.1" && p == port && why.lowercased().contains("refused"), "\(why)")
        }
        await client.close()
    }

    @Test("bad arguments are refused before sending: download of 1001 rows, goto step 0, no channels")
    func invalidRequests() async throws {
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: 9, commandTimeout: 1))
        await #expect(throws: BTSError.self) { _ = try await client.download(Self.channel, startSeqid: 1, count: 1001) }
        await #expect(throws: BTSError.invalidRequest("goto: step 0 (step-file Step_IDs start at 1)")) {
            _ = try await client.goto([Self.channel], step: 0)
        }
        await #expect(throws: BTSError.invalidRequest("inquire: no channels given")) { _ = try await client.inquire([]) }
        #expect(client.exchangeCount == 0)
        await client.close()
    }
}
