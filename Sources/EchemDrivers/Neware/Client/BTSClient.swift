import Foundation
import Synchronization

/// Where a BTS Client listens and how long to wait for it.
public struct BTSClientConfiguration: Sendable, Hashable {
    public var host: String
    /// 502 is the BTS API's TCP port (BTS Client ≥ 2023-03-17).
    public var port: Int
    /// Per command; the protocol says one command waits at most 30 s.
    public var commandTimeout: Double
    public var connectTimeout: Double
    /// How this BTS Client reports current, capacity and energy (a setting of the client, §1.5).
    public var unitScale: BTSUnitScale
    /// Sent by `connect()` (aurora-neware's defaults).
    public var username: String
    public var password: String

    public init(host: String, port: Int = 502, commandTimeout: Double = 30, connectTimeout: Double = 5,
                unitScale: BTSUnitScale = .amperes, username: String = "admin", password: String = "neware") {
        self.host = host
        self.port = port
        self.commandTimeout = commandTimeout
        self.connectTimeout = connectTimeout
        self.unitScale = unitScale
        self.username = username
        self.password = password
    }
}

/// A client of the Neware BTS API (XML over TCP to the Windows BTS Client, research §1).
///
/// Lock-step: one command is on the wire at a time, in call order, each with its own timeout.
/// The socket lives on the client's own thread (blocking reads under `poll` deadlines), so
/// awaiting callers never block Swift's cooperative pool. The connection opens with the first
/// command; after a timeout or a dropped connection it is closed, and the next command opens a
/// new one. A read-only command that finds its old connection dead is retried once on a new one;
/// writes (`start`, `stop`, …) are never resent, because their effect cannot be taken back.
///
/// A supervisor's loop: `start` a step file on a channel, poll `inquire` (no faster than every
/// 5 s: the BTS refreshes no faster), `downloadRows(after:)` the rows since the last seqid, and
/// map them with `NewareRowMapper`.
public final class BTSClient: Sendable {
    public let configuration: BTSClientConfiguration
    private let owner: BlockingOwnerThread<BTSConnection>
    private let exchanges = Atomic<Int>(0)

    public init(_ configuration: BTSClientConfiguration) {
        self.configuration = configuration
        let c = configuration
        owner = BlockingOwnerThread(name: "neware \(c.host):\(c.port)",
                                    make: { BTSConnection(host: c.host, port: c.port, connectTimeout: c.connectTimeout) },
                                    finish: { $0.close() })
    }

    public convenience init(host: String, port: Int = 502, unitScale: BTSUnitScale = .amperes) {
        self.init(BTSClientConfiguration(host: host, port: port, unitScale: unitScale))
    }

    deinit { owner.stop() }

    /// Closes the connection and ends the client's thread; later commands fail with `.closed`.
    public func close() async {
        owner.stop()
        await owner.finished()
    }

    /// Requests answered so far (for tests and statistics).
    public var exchangeCount: Int { exchanges.load(ordering: .relaxed) }

    /// Sends one request and returns its reply document, checked to answer it.
    public func send(_ request: BTSRequest) async throws(BTSError) -> BTSXMLElement {
        let timeout = configuration.commandTimeout
        let bytes: [UInt8] = try await owner.perform(cancelled: BTSError.closed) { (conn: BTSConnection) throws(BTSError) -> [UInt8] in
            let reused = conn.isOpen
            var result = conn.exchange(request, timeout: timeout)
            if case .failure(.connectionLost) = result, reused, request.idempotent {
                result = conn.exchange(request, timeout: timeout)   // the old connection had gone stale
            }
            return try result.get()
        }
        exchanges.add(1, ordering: .relaxed)
        return try BTSReplyParser.document(bytes, for: request)
    }

    // MARK: - Commands

    /// `connect` with the configured user. Optional on BTS 8 (reads work without it) but harmless.
    public func connect() async throws(BTSError) {
        _ = try await send(.connect(username: configuration.username, password: configuration.password))
    }

    /// `getdevinfo`: every channel the BTS Client knows.
    public func deviceInfo() async throws(BTSError) -> BTSDeviceInfo {
        BTSReplyParser.deviceInfo(try await send(.getDeviceInfo))
    }

    /// `getchlstatus`, one status per channel asked, in that order.
    public func channelStatus(_ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSChannelStatus] {
        try nonEmpty(channels, "getchlstatus")
        return try BTSReplyParser.statuses(try await send(.channelStatus(channels)), asked: channels)
    }

    /// `inquire`: the real-time values of each channel, in the order asked.
    public func inquire(_ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSRealtime] {
        try nonEmpty(channels, "inquire")
        return try BTSReplyParser.realtime(try await send(.inquire(channels)), asked: channels, scale: configuration.unitScale)
    }

    /// `inquiredf`: test id and row count of each channel's latest test (or `testID`).
    public func inquireDataFile(_ channels: [BTSChannelAddress], testID: Int = 0) async throws(BTSError) -> [BTSDataFileInfo] {
        try nonEmpty(channels, "inquiredf")
        return try BTSReplyParser.dataFiles(try await send(.inquireDataFile(channels, testID: testID)), asked: channels)
    }

    /// `start` on one or more channels. One batch gives every channel the same test id (quirk 3):
    /// key data by (channel, test id). Returns each channel's answer; see `startOne` to throw.
    public func start(_ starts: [BTSStart], backup: BTSBackupOptions = BTSBackupOptions()) async throws(BTSError) -> [BTSChannelResult] {
        guard !starts.isEmpty else { throw .invalidRequest("start: no channels given") }
        let root = try await send(.start(starts, backup: backup))
        return try BTSReplyParser.channelResults(root, tag: "start", asked: starts.map(\.channel), command: "start")
    }

    /// `start` on one channel; throws `.refused` with the BTS's text unless it answered `ok`.
    public func startOne(_ start: BTSStart, backup: BTSBackupOptions = BTSBackupOptions()) async throws(BTSError) {
        try Self.require(try await self.start([start], backup: backup), "start")
    }

    public func stop(_ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSChannelResult] {
        try await perChannel(.stop(channels), tag: "stop", channels)
    }

    /// `continue`: resume a paused, stopped or protected test where it left off.
    public func resume(_ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSChannelResult] {
        try await perChannel(.resume(channels), tag: "continue", channels)
    }

    /// `goto`: jump to step-file `Step_ID` `step` (see `NewareStepMap.newareStep(for:)`).
    public func goto(_ channels: [BTSChannelAddress], step: Int) async throws(BTSError) -> [BTSChannelResult] {
        guard step >= 1 else { throw .invalidRequest("goto: step \(step) (step-file Step_IDs start at 1)") }
        return try await perChannel(.goto(channels, step: step), tag: "goto", channels)
    }

    /// `setpause`: reserve a pause when cycle `cycleID` reaches step `stepID` (−1 = any; both −1:
    /// at the end of the step in progress).
    public func setPause(_ channels: [BTSChannelAddress], cycleID: Int = -1, stepID: Int = -1) async throws(BTSError) -> [BTSChannelResult] {
        try await perChannel(.setPause(channels, cycleID: cycleID, stepID: stepID), tag: "setpause", channels)
    }

    public func cancelPause(_ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSChannelResult] {
        try await perChannel(.cancelPause(channels), tag: "cancelpause", channels)
    }

    /// `clearflag`: clear a channel's alarm flag (a real BTS answers `false` when none is set).
    public func clearFlag(_ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSChannelResult] {
        try await perChannel(.clearFlag(channels), tag: "clearflag", channels)
    }

    public func light(_ channels: [BTSChannelAddress], on: Bool = true) async throws(BTSError) -> [BTSChannelResult] {
        try await perChannel(.light(channels, on: on), tag: "light", channels)
    }

    /// One `download` page: rows from `startSeqid` (1-based), at most 1000. `count` 0 asks only
    /// for the test id (how aurora-neware finds it).
    public func download(_ channel: BTSChannelAddress, testID: Int = 0, startSeqid: Int, count: Int = BTSRequest.maxDownloadRows)
        async throws(BTSError) -> BTSDetailPage {
        guard (0...BTSRequest.maxDownloadRows).contains(count) else {
            throw .invalidRequest("download count \(count): the BTS API returns 0…\(BTSRequest.maxDownloadRows) rows per request")
        }
        guard startSeqid >= 0 else { throw .invalidRequest("download startpos \(startSeqid): seqids start at 1") }
        let root = try await send(.download(channel, testID: testID, startSeqid: startSeqid, count: count))
        return try BTSReplyParser.detailPage(root, channel: channel, scale: configuration.unitScale)
    }

    /// Every row after seqid `after` (0 = from the start), paged 1000 at a time, up to `limit`
    /// rows. Checks the sequence: a missing or repeated seqid throws `.seqidGap`. The test id is
    /// resolved on the first page and pinned for the rest, so a test started meanwhile on the
    /// channel cannot mix into the result.
    public func downloadRows(_ channel: BTSChannelAddress, testID: Int = 0, after: Int = 0, limit: Int = 100_000)
        async throws(BTSError) -> BTSDetailPage {
        var rows: [BTSDetailRow] = []
        var test = testID
        var next = after + 1
        while rows.count < limit {
            let want = min(BTSRequest.maxDownloadRows, limit - rows.count)
            let page = try await download(channel, testID: test, startSeqid: next, count: want)
            if test == 0 { test = page.testID }
            for r in page.rows {
                guard r.seqid == next else { throw .seqidGap(channel: channel, expected: next, got: r.seqid) }
                rows.append(r)
                next += 1
            }
            if page.rows.count < want { break }
        }
        return BTSDetailPage(channel: channel, testID: test, rows: rows)
    }

    /// `downloadStepLayer`: one summary per step of the test (cycle ids from 1 here).
    public func stepLayer(_ channel: BTSChannelAddress, testID: Int = 0) async throws(BTSError) -> BTSStepLayer {
        let root = try await send(.downloadStepLayer(channel, testID: testID))
        return try BTSReplyParser.stepLayer(root, channel: channel, scale: configuration.unitScale)
    }

    // MARK: - Helpers

    private func perChannel(_ request: BTSRequest, tag: String, _ channels: [BTSChannelAddress]) async throws(BTSError) -> [BTSChannelResult] {
        try nonEmpty(channels, request.command)
        return try BTSReplyParser.channelResults(try await send(request), tag: tag, asked: channels, command: request.command)
    }

    private func nonEmpty(_ channels: [BTSChannelAddress], _ command: String) throws(BTSError) {
        guard !channels.isEmpty else { throw .invalidRequest("\(command): no channels given") }
    }

    /// Throws `.refused` for the first channel that did not answer `ok`.
    public static func require(_ results: [BTSChannelResult], _ command: String) throws(BTSError) {
        if let bad = results.first(where: { !$0.isOK }) {
            throw .refused(command: command, channel: bad.channel, text: bad.text)
        }
    }
}
