#if canImport(Glibc)
import Glibc
#endif

/// The server thread's side of one connection. Owned by `ServerLoop` alone, so no locking.
///
/// A class so the buffers are mutated in place: with a struct in a dictionary, every
/// `var c = connections[id]; c.out.append(…)` would copy the whole (up to several MiB) buffer.
final class Connection {
    let id: ClientID
    let fd: Int32
    var framer: LineFramer
    /// Bytes taken from the shared queue, written from `outHead` on.
    var out: [UInt8] = []
    var outHead = 0
    /// Whether the last byte written to the socket ended a line, so a notice that replaces a
    /// half-written line can start on a fresh line.
    var atLineStart = true
    /// False after the peer shut down its sending side (or we stopped listening to it).
    var readOpen = true
    /// Set when the connection should close once `out` is written, or at the deadline.
    var closing: (deadline: ContinuousClock.Instant, reason: UnixLineServer.DisconnectReason)?

    init(id: ClientID, fd: Int32, maxLineBytes: Int) {
        self.id = id
        self.fd = fd
        self.framer = LineFramer(maxLineBytes: maxLineBytes)
    }

    var hasOutput: Bool { outHead < out.count }

    /// Queues bytes behind whatever is not yet written.
    func append(_ bytes: [UInt8]) {
        if outHead == out.count {
            out = bytes
            outHead = 0
        } else {
            out.append(contentsOf: bytes)
        }
    }
}

/// The poll loop run by the server thread: accepts, reads lines, writes queues, closes.
struct ServerLoop {
    let server: UnixLineServer
    private var connections: [ClientID: Connection] = [:]
    private var nextID: UInt64 = 1
    /// Set after `accept` ran out of descriptors (`EMFILE`): the listening socket stays readable,
    /// so polling it again at once would spin at 100 % CPU.
    private var acceptPausedUntil: ContinuousClock.Instant?
    /// Bytes written per client this iteration, subtracted from the shared counters in one lock.
    private var written: [ClientID: Int] = [:]
    private var handlers = UnixLineServer.Handlers()
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)

    private static let acceptsPerIteration = 256
    private static let sendFlags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)

    init(server: UnixLineServer) {
        self.server = server
    }

    mutating func run() {
        defer { readBuffer.deallocate() }
        var fds: [pollfd] = []
        var order: [ClientID] = []
        while true {
            fds.removeAll(keepingCapacity: true)
            order.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: server.wakeup.fd, events: Int16(POLLIN), revents: 0))
            let listening = acceptPausedUntil.map { ContinuousClock.now >= $0 } ?? true
            if listening { acceptPausedUntil = nil }
            fds.append(pollfd(fd: listening ? server.listener.fd : -1, events: Int16(POLLIN), revents: 0))
            var deadline = acceptPausedUntil
            for (id, c) in connections {
                var events: Int16 = 0
                if c.readOpen && c.closing == nil { events |= Int16(POLLIN) }
                if c.hasOutput { events |= Int16(POLLOUT) }
                // POLLHUP/POLLERR are always reported, so even events == 0 notices a departed peer.
                fds.append(pollfd(fd: c.fd, events: events, revents: 0))
                order.append(id)
                if let d = c.closing?.deadline { deadline = min(deadline ?? d, d) }
            }
            let rc = fds.withUnsafeMutableBufferPointer { buf in
                poll(buf.baseAddress, nfds_t(buf.count), pollTimeoutMilliseconds(until: deadline))
            }
            if rc < 0 {
                if errno == EINTR { continue }
                // EFAULT/EINVAL/ENOMEM: nothing sensible to retry at full speed.
                usleep(10_000)
                continue
            }
            if fds[0].revents != 0 { server.wakeup.drain() }
            if takeSharedRequests() { break }
            if fds[1].revents & Int16(POLLIN) != 0 { acceptClients() }
            for (i, id) in order.enumerated() where fds[i + 2].revents != 0 {
                handleEvents(id, revents: fds[i + 2].revents)
            }
            closeExpired()
            commitWritten()
        }
        shutDown()
    }

    // MARK: Requests from other threads

    /// Moves queued bytes and close requests into the connections. Returns true on `stop()`.
    private mutating func takeSharedRequests() -> Bool {
        let (work, stop, handlers) = server.shared.withLock { s in
            s.wakePending = false
            var work: [(ClientID, [UInt8], UnixLineServer.CloseRequest?)] = []
            work.reserveCapacity(s.dirty.count)
            for id in s.dirty {
                guard let c = s.clients[id] else { continue }
                work.append((id, c.pending, c.request))
                c.pending = []
                c.request = nil
            }
            s.dirty.removeAll(keepingCapacity: true)
            return (work, s.stopRequested, s.handlers)
        }
        self.handlers = handlers
        // Apply the work even when stopping: `stop()` promises one last write of what was queued.
        for (id, bytes, request) in work {
            guard let c = connections[id] else { continue }
            switch request {
            case .drop:
                // Whatever was queued is abandoned; a partly written line is terminated so the
                // notice arrives as a line of its own.
                c.out = c.atLineStart ? bytes : [0x0A] + bytes
                c.outHead = 0
                c.readOpen = false
                c.closing = (.now + server.closeTimeout, .slowClient)
            case .close:
                c.append(bytes)
                c.closing = (.now + server.closeTimeout, .closedByServer)
            case nil:
                c.append(bytes)
            }
            flush(id)  // write at once instead of waiting for the next poll round
        }
        return stop
    }

    // MARK: Accepting

    private mutating func acceptClients() {
        for _ in 0..<Self.acceptsPerIteration {
            let fd = LinuxCalls.acceptNonBlocking(server.listener.fd)
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EAGAIN: return
                default:  // EMFILE, ENFILE, ENOBUFS, ENOMEM: back off instead of spinning
                    acceptPausedUntil = .now + .milliseconds(100)
                    return
                }
            }
            guard let credentials = try? PeerCredentials.of(socket: fd) else {
                FileDescriptor.close(fd)
                continue
            }
            let id = ClientID(rawValue: nextID)
            nextID += 1
            let connect = server.shared.withLock { s in
                s.clients[id] = UnixLineServer.SharedClient(credentials: credentials)
                return s.handlers.connect
            }
            connections[id] = Connection(id: id, fd: fd, maxLineBytes: server.maxLineBytes)
            connect?(id, credentials)
        }
    }

    // MARK: Reading and writing

    private mutating func handleEvents(_ id: ClientID, revents: Int16) {
        guard let c = connections[id] else { return }
        let hangup = revents & Int16(POLLHUP) != 0
        let error = revents & Int16(POLLERR) != 0
        if revents & Int16(POLLOUT) != 0 || (c.hasOutput && (hangup || error)) {
            flush(id)
            guard connections[id] != nil else { return }
        }
        if c.readOpen, c.closing == nil, revents & Int16(POLLIN) != 0 || hangup || error {
            readOnce(id)
            guard connections[id] != nil else { return }
        }
        // Fully gone (not just half-closed) once POLLHUP is reported and nothing is left to read.
        if hangup && (!c.readOpen || c.closing != nil) {
            finishClose(id, reason: c.closing?.reason == .slowClient ? .slowClient : .peerClosed)
        } else if error && !hangup {
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            finishClose(id, reason: .ioError(errno: soError))
        }
    }

    /// Reads once (at most 64 KiB) so one chatty client cannot starve the others; `poll` is
    /// level-triggered and reports the rest next round.
    private mutating func readOnce(_ id: ClientID) {
        guard let c = connections[id] else { return }
        let n = retryingEINTR { recv(c.fd, readBuffer.baseAddress, readBuffer.count, Int32(MSG_DONTWAIT)) }
        if n < 0 {
            if errno == EAGAIN { return }
            finishClose(id, reason: errno == ECONNRESET ? .peerClosed : .ioError(errno: errno))
            return
        }
        if n == 0 {
            // The peer shut down its sending side. It may still be waiting for replies
            // (`echo status | socat - UNIX-CONNECT:…`), so the connection stays open for writing
            // until the peer closes completely or the server closes it.
            c.readOpen = false
            if let last = c.framer.finish() { deliver([last], from: id) }
            return
        }
        guard let lines = c.framer.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n])) else {
            closeForOverlongLine(id)
            return
        }
        deliver(lines, from: id)
    }

    private func deliver(_ lines: [[UInt8]], from id: ClientID) {
        guard let onLine = handlers.line else { return }
        for line in lines {
            // A handler may have closed this client; its remaining lines are moot.
            guard server.shared.withLock({ $0.clients[id]?.accepting ?? false }) else { return }
            onLine(id, String(decoding: line, as: UTF8.self))
        }
    }

    private mutating func closeForOverlongLine(_ id: ClientID) {
        let queued = server.shared.withLock { s -> [UInt8] in
            guard let sc = s.clients[id] else { return [] }
            let bytes = sc.pending
            sc.pending = []
            sc.accepting = false
            sc.request = nil
            return bytes
        }
        guard let c = connections[id] else { return }
        c.append(queued + Array(server.lineTooLongNotice.utf8) + [0x0A])
        c.readOpen = false
        c.closing = (.now + server.closeTimeout, .lineTooLong)
        flush(id)
    }

    /// Writes as much of the client's output as the socket takes now. Closes the connection if the
    /// peer is gone, or if it was closing and everything is written.
    private mutating func flush(_ id: ClientID) {
        guard let c = connections[id] else { return }
        var failure: Int32?
        while c.hasOutput {
            let count = c.out.count - c.outHead
            let n = c.out.withUnsafeBytes { raw in
                retryingEINTR { Glibc.send(c.fd, raw.baseAddress! + c.outHead, count, Self.sendFlags) }
            }
            if n < 0 {
                if errno != EAGAIN { failure = errno }
                break
            }
            c.outHead += n
            c.atLineStart = c.out[c.outHead - 1] == 0x0A
            written[id, default: 0] += n
        }
        if !c.hasOutput {
            c.out.removeAll(keepingCapacity: c.out.capacity <= 64 << 10)
            c.outHead = 0
        } else if c.outHead >= 1 << 20 && c.outHead * 2 >= c.out.count {
            c.out.removeFirst(c.outHead)  // keep a slow reader's buffer from holding dead bytes
            c.outHead = 0
        }
        if let failure {
            let peerGone = failure == EPIPE || failure == ECONNRESET
            finishClose(id, reason: c.closing?.reason ?? (peerGone ? .peerClosed : .ioError(errno: failure)))
        } else if let closing = c.closing, !c.hasOutput {
            finishClose(id, reason: closing.reason)
        }
    }

    // MARK: Closing

    private mutating func closeExpired() {
        let now = ContinuousClock.now
        for (id, c) in connections {
            if let closing = c.closing, closing.deadline <= now { finishClose(id, reason: closing.reason) }
        }
    }

    private mutating func finishClose(_ id: ClientID, reason: UnixLineServer.DisconnectReason) {
        guard let c = connections.removeValue(forKey: id) else { return }
        FileDescriptor.close(c.fd)
        written[id] = nil
        let disconnect = server.shared.withLock { s in
            s.clients[id] = nil
            s.dirty.remove(id)
            return s.handlers.disconnect
        }
        disconnect?(id, reason)
    }

    private mutating func commitWritten() {
        guard !written.isEmpty else { return }
        server.shared.withLock { s in
            for (id, n) in written { s.clients[id]?.queuedBytes -= n }  // in place: a class
        }
        written.removeAll(keepingCapacity: true)
    }

    /// `stop()`: one last non-blocking write per client, then close everything.
    private mutating func shutDown() {
        let pending = server.shared.withLock { s in
            s.clients.compactMapValues { c in c.request == .drop ? nil : c.pending }
        }
        let listenerClosedHere = server.shared.withLock { s in
            defer { s.listenerClosed = true }
            return !s.listenerClosed
        }
        if listenerClosedHere { server.listener.close() }
        for id in connections.keys.sorted() {
            if let bytes = pending[id] { connections[id]?.append(bytes) }
            flush(id)
            finishClose(id, reason: .serverStopped)
        }
    }
}
