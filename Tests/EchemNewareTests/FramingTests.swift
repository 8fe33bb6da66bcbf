import EchemDrivers
import EchemWireSim
import Foundation
import Testing

/// The bytes on the wire, both ways (research §1.2).
@Suite("BTS framing")
struct FramingTests {
    @Test("a request is aurora-neware's bytes exactly: XML declaration with ' ?>', <bts version=\"1.0\">, body, </bts>\\n\\n#\\r\\n")
    func requestBytes() {
        let bytes = BTSRequest.getDeviceInfo.bytes
        let expected = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><bts version=\"1.0\"><cmd>getdevinfo</cmd></bts>\n\n#\r\n"
        #expect(bytes == Array(expected.utf8))
    }

    @Test("the client sends exactly one framed request per command, with count = \"N\" as aurora writes it")
    func clientBytesOnTheWire() async throws {
        let server = try ScriptedBTSServer { _, _ in
            .reply([ScriptedBTSServer.captured(["<cmd>light_resp</cmd>", "<list count=\"1\">",
                                                "  <light ip=\"127.0.0.1\" devtype=\"27\" devid=\"21\" subdevid=\"1\" chlid=\"2\">ok</light>",
                                                "</list>"])])
        }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5))
        let ch = BTSChannelAddress(devid: 21, subdevid: 1, chlid: 2)
        let results = try await client.light([ch])
        #expect(results.map(\.isOK) == [true])
        let sent = String(decoding: try #require(server.requests.first), as: UTF8.self)
        #expect(sent == "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><bts version=\"1.0\"><cmd>light</cmd><list count = \"1\">"
                + "<light ip=\"127.0.0.1\" devtype=\"27\" devid=\"21\" subdevid=\"1\" chlid=\"2\">true</light></list></bts>\n\n#\r\n")
        await client.close()
    }

    @Test("a reply split anywhere, trailer included, is read whole; the split trailer does not leak into the next reply")
    func splitReplies() async throws {
        let reply = ScriptedBTSServer.captured(["<cmd>connect_resp</cmd>", "<result>ok</result>"])
        let server = try ScriptedBTSServer { _, n in
            // First reply: byte-sized pieces up to </bts>, then the trailer in two parts.
            let cut = reply.count - 5
            if n == 1 { return .reply(reply[..<cut].map { [$0] } + [Array(reply[cut..<(cut + 2)]), Array(reply[(cut + 2)...])]) }
            return .reply([reply])
        }
        defer { server.stop() }
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: server.port, commandTimeout: 5))
        try await client.connect()
        try await client.connect()
        #expect(server.requests.count == 2)
        #expect(server.connections == 1, "one connection for both commands")
        await client.close()
    }

    @Test("the frame buffer takes documents ending </bts>, with the \\n\\n#\\r\\n trailer, a bare #\\r\\n, or none")
    func frameBufferTrailers() {
        var b = BTSFrameBuffer()
        b.append(Array("<bts><cmd>a</cmd></bts>\n\n#\r\n<bts><cmd>b</cmd></bts>#\r\n<bts><cmd>c</cmd></bts>".utf8))
        #expect(b.nextDocument().map { String(decoding: $0, as: UTF8.self) } == "<bts><cmd>a</cmd></bts>")
        #expect(b.nextDocument().map { String(decoding: $0, as: UTF8.self) } == "<bts><cmd>b</cmd></bts>")
        #expect(b.nextDocument().map { String(decoding: $0, as: UTF8.self) } == "<bts><cmd>c</cmd></bts>")
        #expect(b.nextDocument() == nil)
        b.append(Array("\n\n#".utf8))
        #expect(b.nextDocument() == nil && b.holdsOnlyTrailer)
        b.append(Array("\r\n<bts><cmd>d</cmd></b".utf8))
        #expect(b.nextDocument() == nil)
        b.append(Array("ts>".utf8))
        #expect(b.nextDocument().map { String(decoding: $0, as: UTF8.self) } == "<bts><cmd>d</cmd></bts>")
    }

    @Test("the simulator's reply is the captured shape byte for byte: CRLF, two-space indent, trailer \\n\\n#\\r\\n")
    func simulatorReplyBytes() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let raw = try RawBTSClient(port: sim.port)
        let reply = await raw.exchange(String(decoding: BTSRequest.connect(username: "admin", password: "neware").bytes, as: UTF8.self))
        #expect(reply == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<bts version=\"1.0\">\r\n  <cmd>connect_resp</cmd>\r\n"
                + "  <result>ok</result>\r\n</bts>\n\n#\r\n")
    }

    @Test("the simulator accepts Vanguard-1's framing (newlines, </bts>#\\r\\n) and aurora's stray quote after </list>")
    func simulatorAcceptsOtherFramings() async throws {
        let sim = try NewareFixtures.simulator()
        defer { sim.stop() }
        let raw = try RawBTSClient(port: sim.port)
        let vanguard = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bts version=\"1.0\">\n<cmd>light</cmd>\n<list count=\"1\">\n"
            + "<light ip=\"127.0.0.1\" devtype=\"27\" devid=\"1\" subdevid=\"1\" chlid=\"3\">true</light>\n</list>\n</bts>#\r\n"
        let r1 = await raw.exchange(vanguard)
        #expect(r1.contains("<cmd>light_resp</cmd>") && r1.contains("chlid=\"3\">ok</light>"), "\(r1)")
        let stray = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><bts version=\"1.0\"><cmd>stop</cmd><list count = \"1\">"
            + "<stop ip=\"127.0.0.1\" devtype=\"27\" devid=\"1\" subdevid=\"1\" chlid=\"3\">true</stop></list>\"</bts>\n\n#\r\n"
        let r2 = await raw.exchange(stray)
        #expect(r2.contains("<cmd>stop_resp</cmd>") && r2.contains(">false</stop>"), "an idle channel cannot stop: \(r2)")
    }
}
