#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import EchemPlatform  // PosixThread for a blocking reader

/// A running server in a fresh temp dir that records its callbacks.
private final class Harness: Sendable {
    let dir: TempDir
    let path: String
    let server: UnixLineServer
    let connects = Recorder<(ClientID, PeerCredentials)>()
    let lines = Recorder<(ClientID, String)>()
    let disconnects = Recorder<(ClientID, UnixLineServer.DisconnectReason)>()

    /// `echo`: reply to every line with "echo:<line>" from the server thread.
    init(echo: Bool = true, maxLineBytes: Int = 1 << 20, maxQueued: Int = 4 << 20,
         closeTimeout: Duration = .seconds(2), group: String? = nil) throws {
        dir = TempDir("lines")
        path = dir.file("api.sock")
        server = try UnixLineServer(path: path, mode: 0o660, group: group, maxLineBytes: maxLineBytes,
                                    maxQueuedBytesPerClient: maxQueued, closeTimeout: closeTimeout)
        let (connects, lines, disconnects, server) = (connects, lines, disconnects, server)
        server.onConnect = { id, credentials in connects.append((id, credentials)) }
        server.onLine = { id, line in
            lines.append((id, line))
            if echo { server.send(id, "echo:" + line) }
        }
        server.onDisconnect = { id, reason in disconnects.append((id, reason)) }
        try server.start()
    }

    /// Connects a client and returns it with the id the server gave it.
    func connect() throws -> (UnixLineClient, ClientID) {
        let before = connects.all.count
        let client = try UnixLineClient(connectingTo: path)
        let all = connects.wait { $0.count > before }
        return (client, try #require(all.last?.0))
    }

    func reason(of id: ClientID) -> UnixLineServer.DisconnectReason? {
        disconnects.wait { $0.contains { $0.0 == id } }.first { $0.0 == id }?.1
    }

    func finish() {
        server.stop()
        dir.remove()
    }
}

@Suite struct UnixLineServerTests {
    @Test("two clients: lines round-trip to the right client, in order")
    func roundTrip() throws {
        let h = try Harness()
        defer { h.finish() }
        let (a, idA) = try h.connect()
        let (b, idB) = try h.connect()
        #expect(idA != idB)
        for i in 0..<50 {
            try a.send("a\(i)")
            try b.send("b\(i)")
        }
        for i in 0..<50 {
            #expect(try a.readLine() == "echo:a\(i)")
            #expect(try b.readLine() == "echo:b\(i)")
        }
        let received = h.lines.wait { $0.count == 100 }
        #expect(received.filter { $0.0 == idA }.map(\.1) == (0..<50).map { "a\($0)" })
        #expect(received.filter { $0.0 == idB }.map(\.1) == (0..<50).map { "b\($0)" })
        // CRLF from a terminal is understood; UTF-8 passes through.
        try a.sendRaw(Array("crlf\r\nµA 🔋\n".utf8))
        #expect(try a.readLine() == "echo:crlf")
        #expect(try a.readLine() == "echo:µA 🔋")
        #expect(h.server.send(idA, "two\nlines") == .invalidLine)
    }

    @Test("SO_PEERCRED identifies the peer: our pid, uid, gid and groups")
    func peerCredentials() throws {
        let h = try Harness()
        defer { h.finish() }
        let (client, id) = try h.connect()
        defer { withExtendedLifetime(client) {} }  // connected until the end: credentials(of:) needs it
        let credentials = try #require(h.connects.all.first?.1)
        #expect(credentials.pid == getpid())
        #expect(credentials.uid == getuid())
        #expect(credentials.gid == getgid())
        #expect(credentials.groups.contains(getgid()))
        #expect(credentials.groups == UserGroups.groups(ofUID: getuid()))
        var own = [gid_t](repeating: 0, count: 256)
        let count = getgroups(256, &own)
        #expect(Set(credentials.processGroups ?? [99_999]) == Set(own.prefix(Int(count))))
        #expect(h.server.credentials(of: id) == credentials)
        #expect(credentials.isRootOrMember(of: getgid()))
    }

    @Test("the socket file gets mode 0660 and the requested group")
    func socketFileMode() throws {
        // As root any group works; otherwise use our own primary group, which chown allows.
        let groupName = UserGroups.currentUserIsRoot ? "daemon" : UserGroups.groupName(of: getegid())
        let group = try #require(groupName)
        let h = try Harness(group: group)
        defer { h.finish() }
        let info = try #require(currentFileMode(h.path))
        #expect(info.isSocket)
        #expect(info.mode == 0o660)
        #expect(info.gid == UserGroups.gid(ofGroupNamed: group))
        #expect(throws: UnixLineServer.Error.unknownGroup("no-such-group-echem")) {
            try UnixLineServer(path: h.dir.file("other.sock"), group: "no-such-group-echem")
        }
        #expect(currentFileMode(h.dir.file("other.sock")) == nil, "nothing left behind")
    }

    @Test("a slow client is dropped with the notice; a fast one loses nothing; send never blocks")
    func slowClientDropped() throws {
        let limit = 256 << 10
        let h = try Harness(echo: false, maxQueued: limit, closeTimeout: .seconds(30))
        defer { h.finish() }
        let (slow, slowID) = try h.connect()
        let (fast, fastID) = try h.connect()

        let fastCount = 2_000
        let fastLines = Recorder<String>()
        let reader = try PosixThread.spawn(name: "fast-reader") { [fast] in
            while fastLines.all.count < fastCount, let line = try? fast.readLine(timeout: .seconds(10)) {
                fastLines.append(line)
            }
        }

        func padded(_ prefix: String) -> String {
            prefix + String(repeating: "x", count: 100 - prefix.utf8.count)
        }
        var slowResults: [UnixLineServer.SendResult] = []
        var fastResults: [UnixLineServer.SendResult] = []
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for i in 0..<10_000 {
                slowResults.append(h.server.send(slowID, padded("slow \(i) ")))
                if i % 5 == 0 { fastResults.append(h.server.send(fastID, padded("fast \(i / 5) "))) }
            }
        }
        #expect(elapsed < .seconds(1), "10 000 sends to a client that never reads took \(elapsed)")

        // The slow client: queued until the buffer was full, dropped exactly once, then refused.
        let firstDrop = try #require(slowResults.firstIndex(of: .droppedSlowClient))
        #expect(firstDrop > 0)
        #expect(slowResults[..<firstDrop].allSatisfy { $0 == .queued })
        #expect(slowResults[(firstDrop + 1)...].allSatisfy { $0 == .notConnected })
        // The fast client: every line queued and received, in order.
        #expect(fastResults.allSatisfy { $0 == .queued })
        reader.join()
        #expect(fastLines.all == (0..<fastCount).map { padded("fast \($0) ") })

        // The slow client finally reads: whole lines in sequence, then the notice, then EOF.
        var received: [String] = []
        while let line = try slow.readLine(timeout: .seconds(10)) { received.append(line) }
        #expect(received.last == h.server.slowClientNotice)
        #expect(h.server.slowClientNotice == #"{"type":"dropped","reason":"slow client: 256 KiB buffer full"}"#)
        let data = received.dropLast()
        // Only the line cut off by the drop may be partial; every earlier one is intact.
        let complete = data.dropLast()
        // How many lines fit in the kernel's socket buffer depends on how they were batched into
        // writes; there must be some, and fewer than were queued before the drop.
        #expect(complete.count > 0)
        #expect(Array(complete) == (0..<complete.count).map { padded("slow \($0) ") })
        #expect(complete.count < firstDrop)
        #expect(h.reason(of: slowID) == .slowClient)

        // The fast client is still served.
        #expect(h.server.send(fastID, "still here") == .queued)
        #expect(try fast.readLine() == "still here")
    }

    @Test("an over-long line closes the client with an error line; a line at the limit is fine")
    func overlongLine() throws {
        let h = try Harness(maxLineBytes: 1024)
        defer { h.finish() }
        let (ok, _) = try h.connect()
        let atLimit = String(repeating: "a", count: 1024)
        try ok.send(atLimit)
        #expect(try ok.readLine() == "echo:" + atLimit)

        // No newline at all: detected as soon as more than 1024 bytes are buffered.
        let (c1, id1) = try h.connect()
        try c1.sendRaw(Array(repeating: UInt8(ascii: "b"), count: 2000))
        #expect(try c1.readLine() == #"{"type":"error","reason":"line longer than 1 KiB"}"#)
        #expect(try c1.readLine() == nil)
        #expect(h.reason(of: id1) == .lineTooLong)

        // A complete line that is too long, followed by a valid one: neither is delivered.
        let (c2, id2) = try h.connect()
        try c2.sendRaw(Array(String(repeating: "c", count: 1025).utf8) + [0x0A] + Array("after\n".utf8))
        #expect(try c2.readLine() == h.server.lineTooLongNotice)
        #expect(try c2.readLine() == nil)
        #expect(h.reason(of: id2) == .lineTooLong)
        #expect(!h.lines.all.contains { $0.1 == "after" || $0.0 == id1 })
    }

    @Test("a stale socket file is replaced; a live server's is refused; other files are left alone")
    func staleAndLive() throws {
        let dir = TempDir("stale")
        defer { dir.remove() }
        let path = dir.file("api.sock")

        // A crashed server's leftover: bound, never unlinked, nobody listening.
        let dead = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(dead, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(dead)
        #expect(currentFileMode(path)?.isSocket == true)

        let live = try UnixLineServer(path: path)
        try live.start()
        let probe = try UnixLineClient(connectingTo: path)
        probe.close()

        #expect(throws: UnixLineServer.Error.addressInUse(path: path)) { try UnixLineServer(path: path) }
        // The first server is untouched by the refused attempt.
        let still = try UnixLineClient(connectingTo: path)
        still.close()
        live.stop()
        #expect(currentFileMode(path) == nil, "stop() removes the socket file it created")

        let regular = dir.file("not-a-socket")
        let fd = open(regular, O_CREAT | O_WRONLY, 0o644)
        close(fd)
        #expect(throws: UnixLineServer.Error.notASocket(path: regular)) { try UnixLineServer(path: regular) }
        #expect(currentFileMode(regular) != nil)
    }

    @Test("a half-closed peer still gets its reply; an unterminated last line is delivered")
    func halfClosedPeer() throws {
        let h = try Harness()
        defer { h.finish() }
        let (client, id) = try h.connect()
        try client.sendRaw(Array("status".utf8))
        client.shutdownWrite()
        #expect(try client.readLine() == "echo:status")
        #expect(h.server.send(id, "more") == .queued)
        #expect(try client.readLine() == "more")
        #expect(h.server.close(id))
        #expect(try client.readLine() == nil)
        #expect(h.reason(of: id) == .closedByServer)
    }

    @Test("close(finalLine:) writes what is queued, then the final line, then closes")
    func closeWithFinalLine() throws {
        let h = try Harness(echo: false)
        defer { h.finish() }
        let (client, id) = try h.connect()
        for i in 0..<3 { #expect(h.server.send(id, "line \(i)") == .queued) }
        #expect(h.server.close(id, finalLine: #"{"type":"bye"}"#))
        #expect(h.server.send(id, "too late") == .notConnected)
        #expect(!h.server.close(id))
        #expect(try client.readLine() == "line 0")
        #expect(try client.readLine() == "line 1")
        #expect(try client.readLine() == "line 2")
        #expect(try client.readLine() == #"{"type":"bye"}"#)
        #expect(try client.readLine() == nil)
        #expect(h.reason(of: id) == .closedByServer)
        #expect(h.server.credentials(of: id) == nil)
    }

    @Test("a peer that disconnects is reported, and sends to it are refused")
    func peerDisconnects() throws {
        let h = try Harness()
        defer { h.finish() }
        let (client, id) = try h.connect()
        client.close()
        #expect(h.reason(of: id) == .peerClosed)
        #expect(h.server.send(id, "anyone?") == .notConnected)
        #expect(h.server.clientCount == 0)
    }

    @Test("stop() closes every client and removes the socket file")
    func stop() throws {
        let h = try Harness(echo: false)
        defer { h.dir.remove() }
        let (a, idA) = try h.connect()
        let (b, idB) = try h.connect()
        h.server.send(idA, "last words")
        h.server.stop()
        #expect(try a.readLine() == "last words")
        #expect(try a.readLine() == nil)
        #expect(try b.readLine() == nil)
        #expect(Set(h.disconnects.all.map(\.0)) == [idA, idB])
        #expect(h.disconnects.all.allSatisfy { $0.1 == .serverStopped })
        #expect(currentFileMode(h.path) == nil)
        #expect(h.server.send(idA, "x") == .notConnected)
        h.server.stop()  // idempotent
        #expect(throws: UnixLineClient.Error.self) { try UnixLineClient(connectingTo: h.path) }
    }

    @Test("1000 idle clients: all accepted, all served, all disconnects seen")
    func thousandClients() throws {
        raiseDescriptorLimit(to: 4096)
        let h = try Harness(echo: false)
        defer { h.finish() }
        var clients: [UnixLineClient] = []
        for _ in 0..<1000 { clients.append(try UnixLineClient(connectingTo: h.path)) }
        let connected = h.connects.wait(timeout: .seconds(20)) { $0.count == 1000 }
        #expect(connected.count == 1000)
        #expect(h.server.clientCount == 1000)
        // Accept order is connect order, so ids line up with `clients`.
        let ids = connected.map(\.0)
        #expect(ids == ids.sorted())
        for (i, id) in ids.enumerated() { #expect(h.server.send(id, "hello \(i)") == .queued) }
        for (i, client) in clients.enumerated() { #expect(try client.readLine() == "hello \(i)") }
        try clients[500].send("from 500")
        let line = h.lines.wait { !$0.isEmpty }.first
        #expect(line?.0 == ids[500] && line?.1 == "from 500")
        for client in clients { client.close() }
        let gone = h.disconnects.wait(timeout: .seconds(20)) { $0.count == 1000 }
        #expect(gone.count == 1000 && gone.allSatisfy { $0.1 == .peerClosed })
    }
}
