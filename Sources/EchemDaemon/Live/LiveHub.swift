import EchemCore
import EchemStore
import Foundation
import Synchronization

/// Where the hub delivers lines: the socket server. `send` must never block (the engine calls
/// `publish` from its sample loop); a client whose buffer is full is dropped by the sink.
public protocol LiveSink: AnyObject, Sendable {
    /// Enqueues one line for the client; false if the client is gone (or was just dropped).
    @discardableResult func send(_ client: UInt64, _ line: String) -> Bool
    /// Bytes waiting for the client, or nil if it is gone. Backfill paces itself on this.
    func queuedBytes(_ client: UInt64) -> Int?
}

/// What a subscription follows.
public struct SubscriptionFilter: Sendable, Hashable {
    public var channel: String?
    public var run: UUID?
    /// Every document of the bench (a lab overview screen).
    public var all: Bool

    public init(channel: String? = nil, run: UUID? = nil, all: Bool = false) {
        self.channel = channel
        self.run = run
        self.all = all
    }

    func matches(_ d: LiveDocument) -> Bool {
        if all { return true }
        if let run, d.run == run { return true }
        if let channel, d.channel == channel { return true }
        return false
    }
}

/// Fans documents out to subscribers. Publishing costs one lock and one non-blocking enqueue per
/// matching subscriber, so the engine never waits on a client.
///
/// Backfill without a gap or a duplicate: a subscription is registered first, holding live
/// documents while the store is read from `from_seq`; every sample committed before registration
/// is in the store read, every one after it is held. When the store is exhausted the held
/// documents are released, minus samples already sent, and the subscription goes live.
public final class LiveHub: Sendable {
    struct Subscription {
        let id: Int
        let client: UInt64
        let filter: SubscriptionFilter
        var backfilling: Bool
        var held: [LiveDocument] = []
        var heldSamples = 0
        /// Highest seq sent per run, so no sample goes out twice.
        var lastSeq: [UUID: Int64] = [:]
    }

    struct State {
        var subscriptions: [Int: Subscription] = [:]
        var nextID = 1
        var published = 0
    }

    private let state = Mutex(State())
    let sink: any LiveSink
    /// A backfilling subscriber holds at most this many live samples before it is dropped
    /// (a backfill that cannot keep up with one channel's live rate would never finish).
    static let maxHeldSamples = 200_000
    /// Backfill keeps a client's queue under a quarter of its buffer, so it never trips the drop,
    /// and sizes its pages (about 220 bytes a sample) to fit well inside that.
    let backfillQueueBudget: Int
    let backfillPage: Int

    public init(sink: any LiveSink, clientBufferBytes: Int = 4 << 20) {
        self.sink = sink
        self.backfillQueueBudget = max(4096, clientBufferBytes / 4)
        self.backfillPage = min(2_000, max(10, backfillQueueBudget / 440))
    }

    public var subscriptionCount: Int { state.withLock { $0.subscriptions.count } }

    /// Publishes to every matching subscriber. Called from engine tasks; never blocks.
    public func publish(_ doc: LiveDocument) {
        var deliveries: [(UInt64, String)] = []
        var fullLine: String?
        state.withLock { s in
            s.published += 1
            for (id, var sub) in s.subscriptions where sub.filter.matches(doc) {
                if sub.backfilling {
                    sub.held.append(doc)
                    if case .samples(let p) = doc { sub.heldSamples += p.samples.count }
                    if sub.heldSamples > LiveHub.maxHeldSamples {
                        s.subscriptions[id] = nil
                        deliveries.append((sub.client, LiveHub.notice("backfill could not keep up with live data", subscription: id)))
                        continue
                    }
                    s.subscriptions[id] = sub
                    continue
                }
                guard let line = LiveHub.line(for: doc, sub: &sub, full: &fullLine) else { continue }
                s.subscriptions[id] = sub
                deliveries.append((sub.client, line))
            }
        }
        for (client, line) in deliveries { sink.send(client, line) }
    }

    /// Encodes `doc` for one subscriber, skipping samples it already has. `full` caches the
    /// whole page's encoding, shared by every subscriber that needs all of it.
    static func line(for doc: LiveDocument, sub: inout Subscription, full: inout String?) -> String? {
        switch doc {
        case .encoded(_, _, _, let line):
            return line
        case .samples(let page):
            guard let lastSample = page.samples.last else { return nil }
            let last = sub.lastSeq[page.run] ?? -1
            guard lastSample.seq > last else { return nil }
            sub.lastSeq[page.run] = lastSample.seq
            if let firstSample = page.samples.first, firstSample.seq > last {
                if full == nil { full = page.encode() }
                return full
            }
            let start = page.samples.firstIndex { $0.seq > last } ?? page.samples.count
            return page.encode(from: start)
        }
    }

    /// Subscribes `client`. With `backfill` (a run and the first seq wanted), samples already
    /// committed are read from the store and sent first, then live ones follow with no gap.
    public func subscribe(id: Int, client: UInt64, filter: SubscriptionFilter,
                          backfill: (run: UUID, channel: String, fromSeq: Int64)?, store: RunStore) {
        state.withLock { s in
            var sub = Subscription(id: id, client: client, filter: filter, backfilling: backfill != nil)
            if let b = backfill { sub.lastSeq[b.run] = b.fromSeq - 1 }
            s.subscriptions[id] = sub
        }
        if let b = backfill {
            Thread.detachNewThread { [self] in self.runBackfill(id: id, client: client, backfill: b, store: store) }
        }
    }

    /// An id for a subscription about to be made, so the reply can name it before documents flow.
    public func newSubscriptionID() -> Int {
        state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
    }

    /// Reads the store in pages, pacing on the client's queue, then releases held documents.
    /// On its own thread: store reads are blocking, and they must not hold up the socket loop.
    private func runBackfill(id: Int, client: UInt64, backfill b: (run: UUID, channel: String, fromSeq: Int64),
                             store: RunStore) {
        var next = b.fromSeq
        var sent: Int64 = 0
        do {
            // Everything committed after registration is held live; the store read stops at what
            // was committed by then, so a backfill slower than the live rate still ends.
            let upTo = try store.lastSeq(runID: b.run) ?? -1
            while next <= upTo {
                while let queued = sink.queuedBytes(client), queued > backfillQueueBudget {
                    Thread.sleep(forTimeInterval: 0.005)
                }
                guard sink.queuedBytes(client) != nil else { unsubscribe(id); return }
                let page = try store.samples(runID: b.run, fromSeq: next, limit: min(backfillPage, Int(upTo - next + 1)))
                guard let last = page.last else { break }
                sink.send(client, SamplePage(run: b.run, channel: b.channel, samples: page, backfill: true).encode())
                sent += Int64(page.count)
                next = last.seq + 1
                state.withLock { s in s.subscriptions[id]?.lastSeq[b.run] = last.seq }
            }
        } catch {
            sink.send(client, LiveHub.notice("backfill failed: \(error)", subscription: id))
        }
        // Release what arrived meanwhile, under the lock, so nothing published in between is lost.
        var lines: [String] = []
        state.withLock { s in
            guard var sub = s.subscriptions[id] else { return }
            // The seam: where the backfill ended, before held pages move lastSeq on.
            let nextSeq = (sub.lastSeq[b.run] ?? -1) + 1
            var cache: String?
            for doc in sub.held {
                cache = nil
                if let line = LiveHub.line(for: doc, sub: &sub, full: &cache) { lines.append(line) }
            }
            sub.held = []
            sub.heldSamples = 0
            sub.backfilling = false
            s.subscriptions[id] = sub
            var w = JSONWriter()
            w.add("v", SocketProtocol.version)
            w.add("type", "backfill_done")
            w.add("subscription", id)
            w.add("run", b.run)
            w.add("samples", sent)
            w.add("next_seq", nextSeq)
            lines.insert(w.finished(), at: 0)
            // Sent inside the lock: a publish that follows must queue behind these lines.
            for line in lines { sink.send(client, line) }
        }
    }

    func unsubscribe(_ id: Int) {
        state.withLock { s in _ = s.subscriptions.removeValue(forKey: id) }
    }

    /// Ends one of `client`'s own subscriptions; false if it has none with this id.
    public func unsubscribe(_ id: Int, client: UInt64) -> Bool {
        state.withLock { s in
            guard s.subscriptions[id]?.client == client else { return false }
            s.subscriptions[id] = nil
            return true
        }
    }

    /// Removes every subscription of a client that went away.
    public func clientGone(_ client: UInt64) {
        state.withLock { s in s.subscriptions = s.subscriptions.filter { $0.value.client != client } }
    }

    /// What a client too slow to read gets as its last line.
    static func notice(slowClient bytes: Int) -> String {
        notice("slow client: more than \(bytes / 1024) KiB waiting to be read; reconnect and subscribe with from_seq to catch up")
    }

    /// A `dropped` document: the connection (no subscription) or one subscription ended.
    static func notice(_ reason: String, subscription: Int? = nil) -> String {
        var w = JSONWriter()
        w.add("v", SocketProtocol.version)
        w.add("type", "dropped")
        w.add("reason", reason)
        w.add("subscription", subscription)
        return w.finished()
    }
}
