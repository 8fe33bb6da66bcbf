import EchemCore
import EchemEngine
import EchemProtocol
import EchemStore
import Foundation

/// The socket's request handler: one JSON object per line in, one reply per request out (with
/// the request's `id` echoed), plus pushed documents for subscriptions. Documented in
/// `docs/socket-api.md`; every reply and document has a JSON Schema in `docs/schemas/`.
public final class SocketAPI: Sendable {
    let scheduler: Scheduler
    let store: RunStore
    let hub: LiveHub
    let intake: JobIntake
    let bench: Bench
    let policy: AccessPolicy
    let paths: DaemonPaths
    let configSource: String
    let started = Date()

    public init(scheduler: Scheduler, store: RunStore, hub: LiveHub, intake: JobIntake, bench: Bench,
                policy: AccessPolicy, paths: DaemonPaths, configSource: String) {
        self.scheduler = scheduler
        self.store = store
        self.hub = hub
        self.intake = intake
        self.bench = bench
        self.policy = policy
        self.paths = paths
        self.configSource = configSource
    }

    /// Handles one request line from `client` and sends its reply (then, for a subscribe, the
    /// backfill and live documents follow through the hub).
    public func handle(line: String, client: UInt64, peer: Peer) async {
        var request: Request?
        do {
            let r = try Request(line: line)
            request = r
            if Request.controlOps.contains(r.op), !policy.mayControl(peer) {
                throw RequestError.forbidden(policy.refusal(peer))
            }
            var w = replyHeader(r.id, op: r.op, ok: true)
            let afterReply = try await dispatch(r, client: client, peer: peer, into: &w)
            hub.sink.send(client, w.finished())
            afterReply?()
        } catch let e as RequestError {
            let (id, op) = request.map { ($0.id, $0.op) } ?? SocketAPI.idAndOp(of: line)
            hub.sink.send(client, errorReply(id, op: op, e))
        } catch {
            let (id, op) = request.map { ($0.id, $0.op) } ?? SocketAPI.idAndOp(of: line)
            hub.sink.send(client, errorReply(id, op: op, .internalError("\(error)")))
        }
    }

    /// The id and op of a line that is not a valid request, so even its error reply can be matched.
    static func idAndOp(of line: String) -> (Any?, String?) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return (nil, nil) }
        return (object["id"], object["op"] as? String)
    }

    /// What a client gets (then the connection closes) when it sends a line over 1 MiB.
    public static let lineTooLongReply = #"{"v":1,"type":"reply","ok":false,"error":{"code":"bad_request","message":"request line longer than 1 MiB; the connection is closed"}}"#

    func replyHeader(_ id: Any?, op: String?, ok: Bool) -> JSONWriter {
        var w = JSONWriter()
        w.add("v", SocketProtocol.version)
        w.add("type", "reply")
        SocketAPI.echo(id, into: &w)
        w.add("op", op)
        w.add("ok", ok)
        return w
    }

    func errorReply(_ id: Any?, op: String?, _ e: RequestError) -> String {
        var w = replyHeader(id, op: op, ok: false)
        var err = JSONWriter()
        err.add("code", e.code)
        err.add("message", e.message)
        if case .invalidProtocol(_, let diagnostics) = e { err.add("diagnostics", strings: diagnostics) }
        w.raw("error", err.finished())
        return w.finished()
    }

    /// The request id comes back as sent: a string or a number.
    static func echo(_ id: Any?, into w: inout JSONWriter) {
        if let s = id as? String { w.add("id", s) } else if let n = id as? NSNumber, !Request.isBool(n) { w.add("id", n.doubleValue) }
    }

    /// Fills the reply; returns work to do after the reply is sent (a subscription's backfill).
    private func dispatch(_ r: Request, client: UInt64, peer: Peer, into w: inout JSONWriter) async throws -> (() -> Void)? {
        switch r.op {
        case "ping":
            return nil
        case "status":
            try await status(into: &w, peer: peer)
        case "channels":
            w.raw("channels", await channelsJSON())
        case "queue":
            let all = try r.bool("all") ?? false
            let jobs = try store.jobs()
            let shown = all ? jobs : jobs.filter { !$0.state.isFinal } + jobs.filter(\.state.isFinal).suffix(20)
            w.raw("jobs", "[" + shown.map(SocketAPI.jobJSON).joined(separator: ",") + "]")
        case "submit":
            try await submit(r, peer: peer, into: &w)
        case "cancel", "pause", "resume", "stop", "goto":
            let target = try r.requiredString("target", "a channel id, or a job or run id prefix")
            let action: Scheduler.Action
            let who = "uid \(peer.uid)"
            switch r.op {
            case "cancel": action = .cancel(reason: try r.string("reason") ?? "cancelled by \(who)")
            case "pause": action = .pause(try r.pauseMode())
            case "resume": action = .resume
            case "stop": action = .stop(reason: try r.string("reason") ?? "stopped by \(who)")
            default: action = .goto(label: try r.requiredString("label", "a step label of the running protocol"))
            }
            do {
                let (job, message) = try await scheduler.control(target, action)
                w.add("job", job)
                w.add("message", message)
            } catch let e as DaemonError {
                switch e {
                case .unknownTarget, .unknownChannel, .unknownLabel: throw RequestError.notFound(e.description)
                default: throw RequestError.conflict(e.description)
                }
            }
        case "subscribe":
            return try await subscribe(r, client: client, into: &w)
        case "unsubscribe":
            guard let id = try r.int("subscription") else { throw RequestError.badRequest("missing field 'subscription' (the id a subscribe reply gave)") }
            guard hub.unsubscribe(Int(id), client: client) else {
                throw RequestError.notFound("no subscription \(id) on this connection")
            }
        case "export":
            try export(r, into: &w)
        default:
            throw RequestError.badRequest("unknown op '\(r.op)'")
        }
        return nil
    }

    private func status(into w: inout JSONWriter, peer: Peer) async throws {
        let jobs = try store.jobs(in: [.queued, .running, .paused])
        w.add("version", EchemdVersion.string)
        w.add("bench", bench.name)
        w.add("config", configSource)
        w.add("state_directory", paths.state)
        w.add("uptime", Date().timeIntervalSince(started))
        w.add("channels", bench.channels.count)
        w.add("running", jobs.filter { $0.state == .running }.count)
        w.add("paused", jobs.filter { $0.state == .paused }.count)
        w.add("queued", jobs.filter { $0.state == .queued }.count)
        w.add("subscriptions", hub.subscriptionCount)
        var p = JSONWriter()
        p.add("uid", Int64(peer.uid))
        p.add("may_control", policy.mayControl(peer))
        w.raw("peer", p.finished())
    }

    private func channelsJSON() async -> String {
        let views = await scheduler.channelViews()
        return "[" + views.map { v in
            var c = JSONWriter()
            c.add("id", v.channel.id)
            c.add("driver", v.channel.config.driver.rawValue)
            c.add("description", v.channel.driver.describe)
            c.add("address", v.channel.config.address)
            c.add("state", v.job.map { $0.state == .paused ? "paused" : "running" } ?? "idle")
            c.add("job", v.job?.id)
            c.add("job_name", v.job?.name)
            c.add("run", v.runID)
            c.raw("limits", RecordJSON.limits(v.channel.config.limits))
            c.raw("capabilities", RecordJSON.capabilities(v.channel.capabilities))
            return c.finished()
        }.joined(separator: ",") + "]"
    }

    static func jobJSON(_ j: JobRecord) -> String {
        var w = JSONWriter()
        w.add("id", j.id)
        w.add("name", j.name)
        w.add("protocol", j.protocolName)
        w.add("state", j.state.rawValue)
        w.add("reason", j.reason)
        w.add("channel", j.channel ?? j.target.channel)
        w.add("potentiostat", j.potentiostat ?? j.target.potentiostat)
        w.add("priority", j.target.priority)
        w.add("recovery", j.target.recovery?.rawValue)
        w.add("run", j.runID)
        w.add("source", j.source)
        w.add("submitted_unix", j.submittedUnix)
        w.add("started_unix", j.startedUnix)
        w.add("ended_unix", j.endedUnix)
        w.add("cell", j.cell?.name)
        return w.finished()
    }

    private func submit(_ r: Request, peer: Peer, into w: inout JSONWriter) async throws {
        let text = try r.requiredString("protocol", "the protocol file's text")
        let filename = try r.string("filename") ?? "submitted.yaml"
        var cell: CellMetadata?
        if let cellText = try r.string("cell") {
            let cellName = (filename as NSString).deletingPathExtension + ".cell.yaml"
            let (c, diags) = ProtocolCompiler.loadCell(text: cellText, filename: cellName)
            if diags.contains(where: { $0.severity == .error }) {
                throw RequestError.invalidProtocol("the cell file has errors", diagnostics: diags.map(\.description))
            }
            cell = c
        }
        let outcome = intake.prepare(JobIntake.Submission(text: text, filename: filename, cell: cell,
                                                          target: try r.jobTarget(), source: "socket", submittedBy: peer.uid))
        guard let job = outcome.job else {
            throw RequestError.invalidProtocol("\(filename) was rejected", diagnostics: outcome.diagnostics)
        }
        let stored = try await scheduler.submit(job, eligible: outcome.eligibleChannels)
        w.raw("job", SocketAPI.jobJSON(stored))
        w.add("eligible_channels", strings: outcome.eligibleChannels)
        w.add("warnings", strings: outcome.diagnostics)
    }

    private func subscribe(_ r: Request, client: UInt64, into w: inout JSONWriter) async throws -> (() -> Void)? {
        let channel = try r.string("channel")
        let runText = try r.string("run")
        let all = try r.bool("all") ?? false
        guard channel != nil || runText != nil || all else {
            throw RequestError.badRequest("subscribe needs 'channel' (a channel id), 'run' (a run id or prefix) or 'all': true")
        }
        if let channel, bench.channel(channel) == nil {
            throw RequestError.notFound("no channel '\(channel)' (expected one of: \(bench.channels.map(\.id).joined(separator: ", ")))")
        }
        var run: StoredRun?
        if let runText {
            do { run = try store.run(prefix: runText) } catch { throw RequestError.notFound("\(error)") }
        }
        let fromSeq = try r.int("from_seq")
        if let f = fromSeq, f < 0 { throw RequestError.badRequest("field 'from_seq': expected 0 or more") }
        var backfill: (run: UUID, channel: String, fromSeq: Int64)?
        if let fromSeq {
            if let run {
                backfill = (run.info.id, run.info.channel, fromSeq)
            } else if let channel, let active = await scheduler.activeRun(channel: channel) {
                backfill = (active, channel, fromSeq)
            }
        }
        let filter = SubscriptionFilter(channel: channel, run: run?.info.id, all: all)
        let id = hub.newSubscriptionID()
        w.add("subscription", id)
        w.add("run", run?.info.id ?? backfill?.run)
        w.add("backfill_from", backfill?.fromSeq)
        // Registered after the reply is queued, so the client reads the reply before any document.
        let hub = self.hub, store = self.store
        return { hub.subscribe(id: id, client: client, filter: filter, backfill: backfill, store: store) }
    }

    private func export(_ r: Request, into w: inout JSONWriter) throws {
        let runText = try r.requiredString("run", "a run id or prefix")
        let format = try r.string("format") ?? "bdf"
        guard format == "bdf" else { throw RequestError.badRequest("field 'format': '\(format)' (expected bdf)") }
        let run: StoredRun
        do { run = try store.run(prefix: runText) } catch { throw RequestError.notFound("\(error)") }
        let path = paths.exports + "/\(run.info.id.uuidString.lowercased()).bdf.csv"
        do {
            let result = try BDFExporter.export(store: store, runID: run.info.id, to: path)
            w.add("run", run.info.id)
            w.add("path", path)
            w.add("rows", result.sampleCount)
            w.add("metadata_path", result.metadataPath)
            w.add("eis_path", result.eisPath)
        } catch {
            throw RequestError.internalError("export failed: \(error)")
        }
    }
}

/// The daemon's version, reported by `status` and `echemd --version`.
public enum EchemdVersion {
    public static let string = "0.5.0"
}
