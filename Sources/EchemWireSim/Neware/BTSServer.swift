import EchemDrivers
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The BTS API's TCP side: a listening socket and its clients, served from one thread with
/// `poll`. Each client has its own frame buffer; every complete `…</bts>` document gets one
/// reply, in order, as the lock-step protocol expects.
///
/// Hostile input never ends the server: a request that is not XML, or bytes ending in the
/// `#\r\n` terminator with no `</bts>`, get an error reply; a client that streams more than
/// `maxPending` bytes without a document, or stops reading its replies, is disconnected.
final class BTSServer: @unchecked Sendable {
    // @unchecked: `clients` is touched by the server thread only; the rest is immutable or Sendable.
    let host: String
    let port: Int
    private let listenFD: Int32
    private let bench: NewareBench
    private let thread = ServerThread()
    private var clients: [Int32: BTSFrameBuffer] = [:]
    static let maxConnections = 16
    static let maxPending = 1 << 20

    init(host: String, port: Int, bench: NewareBench) throws(SimulatorError) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw SimulatorError("--host \(host): expected an IPv4 address such as 127.0.0.1")
        }
        guard (0...65_535).contains(port) else { throw SimulatorError("--port \(port): expected 0…65535 (0 picks a free port)") }
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulatorError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            throw SimulatorError("cannot listen on \(host):\(port): \(why)"
                                 + (port < 1024 ? " (ports below 1024, such as the BTS default 502, need CAP_NET_BIND_SERVICE)" : ""))
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.host = host
        self.port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        self.bench = bench
    }

    deinit { stop() }

    func start() { thread.start(name: "echem-sim neware tcp") { [self] in serve() } }

    /// Ends the loop, closes every connection and the listening socket.
    func stop() {
        if thread.stop() { Glibc.close(listenFD) }
    }

    private func serve() {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !thread.isStopping {
            let fds = Array(clients.keys)
            var polls = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
                + fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polls, nfds_t(polls.count), 20) > 0 else { continue }
            for p in polls.dropFirst() where p.revents != 0 {
                let n = chunk.withUnsafeMutableBytes { recv(p.fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 {
                    if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    drop(p.fd)
                    continue
                }
                clients[p.fd]?.append(chunk[0..<n])
                serveBuffered(p.fd)
            }
            if polls[0].revents & Int16(POLLIN) != 0 { accept() }
        }
        for fd in clients.keys { Glibc.close(fd) }
        clients.removeAll()
    }

    /// Answers every complete request buffered for a client.
    private func serveBuffered(_ fd: Int32) {
        while var buffer = clients[fd] {
            if let doc = buffer.nextDocument() {
                clients[fd] = buffer
                guard send(bench.handle(doc), to: fd) else { return drop(fd) }
                continue
            }
            if let junk = buffer.takeUnframedMessage() {
                clients[fd] = buffer
                let preview = String(decoding: junk.prefix(60), as: UTF8.self)
                bench.log("junk request of \(junk.count) bytes: \(preview.debugDescription)")
                guard send(bench.errorReply("not a BTS request (expected <bts version=\"1.0\">…</bts>)"), to: fd) else { return drop(fd) }
                continue
            }
            if buffer.isOverLimit || buffer.bytes.count > Self.maxPending {
                bench.log("dropping a client: \(buffer.bytes.count) bytes without </bts>")
                return drop(fd)
            }
            clients[fd] = buffer
            return
        }
    }

    /// Writes a whole reply within 5 s; false if the client is gone or not reading.
    private func send(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var sent = 0
        let deadline = Date().addingTimeInterval(5)
        while sent < bytes.count {
            guard Date() < deadline else { return false }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { if errno == EINTR { continue } else { return false } }
            if p.revents & Int16(POLLOUT) == 0 {
                if p.revents & Int16(POLLERR | POLLHUP) != 0 { return false }
                continue
            }
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 { sent += n } else if n < 0 && errno != EINTR && errno != EAGAIN { return false }
        }
        return true
    }

    private func accept() {
        let fd = Glibc.accept(listenFD, nil, nil)
        guard fd >= 0 else { return }
        guard clients.count < Self.maxConnections else {
            bench.log("refusing a connection: \(Self.maxConnections) clients already connected")
            Glibc.close(fd)
            return
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        clients[fd] = BTSFrameBuffer(limit: Self.maxPending)
    }

    private func drop(_ fd: Int32) {
        Glibc.close(fd)
        clients[fd] = nil
    }
}
