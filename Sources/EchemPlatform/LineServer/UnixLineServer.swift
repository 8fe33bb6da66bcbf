#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A UNIX stream socket server speaking newline-delimited messages (e.g. JSON lines), run by one
/// dedicated thread with `poll()` and non-blocking sockets.
///
/// Why this shape:
/// - One thread and `poll()` instead of a thread per client or an event-loop library: the daemon
///   has at most a few hundred local clients (`echemctl watch`, dashboards), mostly idle, and
///   `poll` over 1000 descriptors costs microseconds. No NIO dependency to audit or update.
/// - `send` never blocks its caller: it only appends to the client's queue in memory and wakes the
///   server thread through an `eventfd`. The engine loop that produces samples must never wait for
///   a dashboard that stopped reading. A client whose queue would exceed
///   `maxQueuedBytesPerClient` is dropped: its queue is replaced by one notice line, which is
///   written if the socket accepts it within `closeTimeout`, then the connection is closed.
///   Other clients are unaffected.
/// - Every client is identified by kernel-verified `PeerCredentials`, so authorization is a
///   group check, not a password.
///
/// Callbacks run on the server thread, one at a time, and must not block: while one runs, no
/// client is served. Calling `send`/`close`/`stop` from inside a callback is fine.
///
/// The queue limit counts bytes held by this server (queued + partly written). The kernel's socket
/// buffer (about 200 KiB for AF_UNIX by default) comes on top, so a client is dropped after it has
/// fallen behind by roughly `maxQueuedBytesPerClient` + 200 KiB.
///
/// Lifecycle: `init` binds (or adopts) and listens; connections queue in the backlog until
/// `start()`; `stop()` closes everything and removes the socket file it created. The thread holds
/// a strong reference to the server until `stop()`.
public final class UnixLineServer: Sendable {
    public typealias ConnectHandler = @Sendable (ClientID, PeerCredentials) -> Void
    public typealias LineHandler = @Sendable (ClientID, String) -> Void
    public typealias DisconnectHandler = @Sendable (ClientID, DisconnectReason) -> Void

    /// Longest accepted line (bytes, without the newline).
    public let maxLineBytes: Int
    /// Most bytes a client may have waiting in this server before it is dropped.
    public let maxQueuedBytesPerClient: Int
    /// The line a dropped slow client receives.
    public let slowClientNotice: String
    /// The line a client that sent an over-long line receives before it is closed.
    public let lineTooLongNotice: String
    /// How long a closing client's last bytes may take to drain before the socket is closed anyway.
    public let closeTimeout: Duration
    /// The socket path when this server created the socket file; nil for an adopted descriptor.
    public var path: String? { listener.ownedFile?.path }

    let listener: Listener
    let wakeup: Wakeup
    let shared: Mutex<Shared>

    // MARK: Creating

    /// Binds `path`, sets its permission bits to `mode` and, if given, its group to `group`.
    ///
    /// A stale socket file (nobody listening) is replaced; a live one makes this throw
    /// `.addressInUse`, so a second daemon cannot silently steal the first one's clients.
    /// Setting a group needs root or membership in that group.
    public convenience init(
        path: String, mode: mode_t = 0o660, group: String? = nil,
        maxLineBytes: Int = 1 << 20, maxQueuedBytesPerClient: Int = 4 << 20,
        slowClientNotice: String? = nil, lineTooLongNotice: String? = nil,
        closeTimeout: Duration = .seconds(2)
    ) throws(Error) {
        try self.init(listener: Listener.bind(path: path, mode: mode, group: group),
                      maxLineBytes: maxLineBytes, maxQueuedBytesPerClient: maxQueuedBytesPerClient,
                      slowClientNotice: slowClientNotice, lineTooLongNotice: lineTooLongNotice,
                      closeTimeout: closeTimeout)
    }

    /// Serves an inherited listening socket (from `SocketActivation.listeningSockets()`).
    /// Mode, owner and group were set by the `.socket` unit; the file is left in place on `stop()`.
    public convenience init(
        listeningFD: Int32,
        maxLineBytes: Int = 1 << 20, maxQueuedBytesPerClient: Int = 4 << 20,
        slowClientNotice: String? = nil, lineTooLongNotice: String? = nil,
        closeTimeout: Duration = .seconds(2)
    ) throws(Error) {
        try self.init(listener: Listener.adopt(fd: listeningFD),
                      maxLineBytes: maxLineBytes, maxQueuedBytesPerClient: maxQueuedBytesPerClient,
                      slowClientNotice: slowClientNotice, lineTooLongNotice: lineTooLongNotice,
                      closeTimeout: closeTimeout)
    }

    private init(
        listener: Listener, maxLineBytes: Int, maxQueuedBytesPerClient: Int,
        slowClientNotice: String?, lineTooLongNotice: String?, closeTimeout: Duration
    ) throws(Error) {
        precondition(maxLineBytes > 0 && maxQueuedBytesPerClient > 0, "limits must be positive")
        do {
            wakeup = try Wakeup()
        } catch {
            listener.close()
            throw .system(error)
        }
        self.listener = listener
        self.maxLineBytes = maxLineBytes
        self.maxQueuedBytesPerClient = maxQueuedBytesPerClient
        self.slowClientNotice = Self.singleLine(slowClientNotice ?? #"{"type":"dropped","reason":"slow client: \#(formatByteCount(maxQueuedBytesPerClient)) buffer full"}"#)
        self.lineTooLongNotice = Self.singleLine(lineTooLongNotice ?? #"{"type":"error","reason":"line longer than \#(formatByteCount(maxLineBytes))"}"#)
        self.closeTimeout = closeTimeout
        shared = Mutex(Shared())
    }

    deinit {
        // Only reachable if the thread never ran (it keeps `self` alive until `stop()`).
        let needsClose = shared.withLock { s in
            defer { s.listenerClosed = true }
            return !s.listenerClosed
        }
        if needsClose { listener.close() }
    }

    // MARK: Handlers

    /// Called on the server thread after a client is accepted, before any of its lines.
    public var onConnect: ConnectHandler? {
        get { shared.withLock { $0.handlers.connect } }
        set { shared.withLock { $0.handlers.connect = newValue } }
    }

    /// Called on the server thread for each complete line (without `\n`, invalid UTF-8 repaired).
    public var onLine: LineHandler? {
        get { shared.withLock { $0.handlers.line } }
        set { shared.withLock { $0.handlers.line = newValue } }
    }

    /// Called on the server thread once the client's socket is closed.
    public var onDisconnect: DisconnectHandler? {
        get { shared.withLock { $0.handlers.disconnect } }
        set { shared.withLock { $0.handlers.disconnect = newValue } }
    }

    // MARK: Running

    /// Starts the server thread. Set the handlers first: connections accepted before a handler
    /// is set are not announced to it. Calling `start` twice, or after `stop`, does nothing.
    public func start() throws(SystemError) {
        try shared.withLock { s throws(SystemError) in
            guard s.thread == nil, !s.stopRequested else { return }
            // Spawned under the lock so a concurrent `stop()` always finds the thread to join.
            s.thread = try PosixThread.spawn(name: "echem-lines") { [self] in
                var loop = ServerLoop(server: self)
                loop.run()
            }
        }
    }

    /// Closes every client (after one non-blocking attempt to write what is queued), closes the
    /// listening socket, removes the socket file this server created, and waits for the server
    /// thread to finish (unless called from it). Idempotent.
    public func stop() {
        let (thread, closeListenerHere) = shared.withLock { s -> (PosixThread?, Bool) in
            if s.stopRequested { return (nil, false) }
            s.stopRequested = true
            if let t = s.thread { return (t, false) }
            s.listenerClosed = true
            return (nil, true)
        }
        if closeListenerHere { listener.close() }
        guard let thread else { return }
        wakeup.signal()
        if thread.isCurrent { thread.detach() } else { thread.join() }
    }

    // MARK: Sending

    /// Queues `line` + `\n` for `client`. Never blocks (see the type's documentation).
    /// A line that alone exceeds `maxQueuedBytesPerClient` drops the client like a full queue does.
    @discardableResult
    public func send(_ client: ClientID, _ line: String) -> SendResult {
        send(client, bytes: line.utf8)
    }

    /// Queues raw bytes + `\n` for `client`.
    @discardableResult
    public func send<Bytes: Collection<UInt8>>(_ client: ClientID, bytes: Bytes) -> SendResult {
        if bytes.contains(0x0A) { return .invalidLine }
        let (result, wake) = shared.withLock { s -> (SendResult, Bool) in
            guard let c = s.clients[client], c.accepting else { return (.notConnected, false) }
            let incoming = bytes.count + 1
            let result: SendResult
            if c.queuedBytes + incoming > maxQueuedBytesPerClient {
                c.pending = Array(slowClientNotice.utf8) + [0x0A]
                c.accepting = false
                c.request = .drop
                result = .droppedSlowClient
            } else {
                c.pending.append(contentsOf: bytes)
                c.pending.append(0x0A)
                c.queuedBytes += incoming
                result = .queued
            }
            s.dirty.insert(client)
            return (result, s.requestWake())
        }
        if wake { wakeup.signal() }
        return result
    }

    /// Closes `client` after writing what is already queued plus `finalLine` (if any), bounded by
    /// `closeTimeout`. Returns false if the client is unknown or already closing.
    @discardableResult
    public func close(_ client: ClientID, finalLine: String? = nil) -> Bool {
        let line = finalLine.map(Self.singleLine)
        let (ok, wake) = shared.withLock { s -> (Bool, Bool) in
            guard let c = s.clients[client], c.accepting else { return (false, false) }
            if let line {
                c.pending.append(contentsOf: line.utf8)
                c.pending.append(0x0A)
            }
            c.accepting = false
            c.request = .close
            s.dirty.insert(client)
            return (true, s.requestWake())
        }
        if wake { wakeup.signal() }
        return ok
    }

    // MARK: Inspecting

    /// The credentials recorded when `client` connected, while it is connected.
    public func credentials(of client: ClientID) -> PeerCredentials? {
        shared.withLock { $0.clients[client]?.credentials }
    }

    /// Connected clients, including ones that are closing.
    public var clientCount: Int { shared.withLock { $0.clients.count } }

    /// Bytes queued in this server for `client` and not yet written to its socket.
    public func queuedBytes(of client: ClientID) -> Int? {
        shared.withLock { $0.clients[client]?.queuedBytes }
    }

    /// Notices are written as one line; a newline inside one would become a second message.
    private static func singleLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? " " : $0 })
    }
}

// MARK: - State shared between callers and the server thread

extension UnixLineServer {
    struct Handlers {
        var connect: ConnectHandler?
        var line: LineHandler?
        var disconnect: DisconnectHandler?
    }

    enum CloseRequest { case drop, close }

    /// The part of a client that callers touch: its outgoing queue and flags. Only accessed under
    /// the server's mutex. A class so `pending` grows in place instead of being copied per `send`.
    final class SharedClient {
        let credentials: PeerCredentials
        /// Bytes appended by `send` and not yet taken by the server thread.
        var pending: [UInt8] = []
        /// `pending` plus bytes the thread has taken but not yet written.
        var queuedBytes = 0
        /// False once the client is being dropped or closed: further sends are refused.
        var accepting = true
        var request: CloseRequest?

        init(credentials: PeerCredentials) {
            self.credentials = credentials
        }
    }

    struct Shared {
        var clients: [ClientID: SharedClient] = [:]
        /// Clients with new pending bytes or a close request, for the thread to pick up.
        var dirty: Set<ClientID> = []
        /// True while an eventfd wake-up is outstanding, so a burst of sends costs one `write`.
        var wakePending = false
        var stopRequested = false
        var listenerClosed = false
        var thread: PosixThread?
        var handlers = Handlers()

        /// Returns true if the caller must signal the eventfd.
        mutating func requestWake() -> Bool {
            if wakePending { return false }
            wakePending = true
            return true
        }
    }
}
