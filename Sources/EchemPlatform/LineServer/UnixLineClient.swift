#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A small blocking client for a `UnixLineServer`: connect, send a line, read a line with a
/// timeout. For tests and for the CLI (`echemctl`), where a thread may simply wait.
///
/// Sending and reading may happen on two different threads at once (each direction has its own
/// lock); two threads reading at once get lines in arbitrary interleaving.
public final class UnixLineClient: Sendable {
    public enum Error: Swift.Error, Equatable, Sendable {
        case invalidPath(String)
        case timedOut
        case lineTooLong(limit: Int)
        case closed
        case system(SystemError)
    }

    /// The connected socket. Exposed for tests that need raw socket calls (`shutdown`, `SO_RCVBUF`).
    public let fd: Int32
    /// Longest line `readLine` accepts.
    public let maxLineBytes: Int

    private struct ReadState {
        /// Received bytes; those before `head` were already returned.
        var buffer: [UInt8] = []
        var head = 0
        var eof = false
    }
    private let readState = Mutex(ReadState())
    private let writeLock = Mutex(())
    private let isClosed = Atomic<Bool>(false)

    /// Connects to `path` (a filesystem path, or `@name` for an abstract socket).
    public init(connectingTo path: String, maxLineBytes: Int = 16 << 20) throws(Error) {
        guard let address = try? UnixSocketAddress(path) else { throw .invalidPath(path) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(.last("socket(AF_UNIX)")) }
        let rc = address.withSockAddr { sa, len in connect(fd, sa, len) }
        guard rc == 0 || errno == EINTR else {
            let error = SystemError.last("connect(\(path))")
            FileDescriptor.close(fd)
            throw .system(error)
        }
        if rc != 0 {
            // EINTR: the connection continues asynchronously; wait until it is writable.
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = retryingEINTR { poll(&p, 1, -1) }
        }
        self.fd = fd
        self.maxLineBytes = maxLineBytes
    }

    deinit { close() }

    /// Writes `line` + `\n` completely (blocking while the server's buffer is full).
    public func send(_ line: String) throws(Error) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        try sendRaw(bytes)
    }

    /// Writes raw bytes completely, with no newline added.
    public func sendRaw(_ bytes: [UInt8]) throws(Error) {
        let failure: SystemError? = writeLock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { raw in
                    retryingEINTR { Glibc.send(fd, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
                }
                if n < 0 { return SystemError.last("send") }
                offset += n
            }
            return nil
        }
        if let failure { throw failure.errno == EPIPE ? .closed : .system(failure) }
    }

    /// The next line without its `\n` (a trailing `\r` is kept: this client is for exact tests),
    /// nil at end of stream (an unterminated last line is returned first). Throws `.timedOut` if no
    /// complete line arrives within `timeout`; a nil timeout waits for ever (`echemctl watch`).
    public func readLine(timeout: Duration? = .seconds(5)) throws(Error) -> String? {
        try readLineBytes(timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Like `readLine`, as bytes.
    public func readLineBytes(timeout: Duration? = .seconds(5)) throws(Error) -> [UInt8]? {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try readState.withLock { s throws(Error) -> [UInt8]? in
            var scanned = s.head
            while true {
                if let nl = s.buffer[scanned...].firstIndex(of: 0x0A) {
                    let line = Array(s.buffer[s.head..<nl])
                    s.head = nl + 1
                    if s.head == s.buffer.count {
                        s.buffer.removeAll(keepingCapacity: true)
                        s.head = 0
                    }
                    return line
                }
                scanned = s.buffer.count
                if scanned - s.head > maxLineBytes { throw .lineTooLong(limit: maxLineBytes) }
                if s.eof {
                    if s.head == s.buffer.count { return nil }
                    defer { s.buffer = []; s.head = 0 }
                    return Array(s.buffer[s.head...])
                }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let rc = retryingEINTR { poll(&p, 1, pollTimeoutMilliseconds(until: deadline)) }
                if rc < 0 { throw .system(.last("poll")) }
                if rc == 0 { throw .timedOut }
                // Drop consumed bytes before growing, so the buffer stays about one chunk large.
                if s.head > 0 {
                    s.buffer.removeFirst(s.head)
                    scanned -= s.head
                    s.head = 0
                }
                let (n, error) = withUnsafeTemporaryAllocation(byteCount: 64 << 10, alignment: 1) { chunk in
                    let n = retryingEINTR { recv(fd, chunk.baseAddress, chunk.count, 0) }
                    let error = errno
                    if n > 0 { s.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n])) }
                    return (n, error)
                }
                if n < 0 {
                    if error == ECONNRESET { s.eof = true; continue }
                    throw .system(SystemError("recv", errno: error))
                }
                if n == 0 { s.eof = true }
            }
        }
    }

    /// Shuts down the sending side (the server sees end of stream) while replies can still be read.
    public func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes the socket. Idempotent; must not race with a `readLine` in another thread.
    public func close() {
        if isClosed.exchange(true, ordering: .acquiringAndReleasing) { return }
        FileDescriptor.close(fd)
    }
}
