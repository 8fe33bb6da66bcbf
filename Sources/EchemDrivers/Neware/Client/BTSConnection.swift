import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The TCP connection to a BTS Client, owned by one thread (`BTSClient`'s owner thread): POSIX
/// sockets with `poll` deadlines, so no read can block past the command timeout.
///
/// Opened lazily by the first exchange; closed on any timeout or error so a late reply can never
/// be read as the answer to the next command (the dialogue is strictly lock-step).
final class BTSConnection {
    let host: String
    let port: Int
    let connectTimeout: Double
    private var fd: Int32 = -1
    private var buffer = BTSFrameBuffer()

    init(host: String, port: Int, connectTimeout: Double) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
    }

    deinit { close() }

    var isOpen: Bool { fd >= 0 }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        buffer = BTSFrameBuffer()
    }

    /// Sends one request and returns the reply document (through `</bts>`).
    func exchange(_ request: BTSRequest, timeout: Double) -> Result<[UInt8], BTSError> {
        if fd < 0, let failure = open() { return .failure(failure) }
        // Anything still buffered that is not a trailer belongs to no request of ours.
        if !buffer.holdsOnlyTrailer { buffer = BTSFrameBuffer() }
        let deadline = Date().addingTimeInterval(timeout)
        if let failure = sendAll(request.bytes, command: request.command, deadline: deadline, timeout: timeout) {
            close()
            return .failure(failure)
        }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let doc = buffer.nextDocument() { return .success(doc) }
            if buffer.isOverLimit {
                close()
                return .failure(.unexpectedReply(command: request.command, reason: "more than \(buffer.limit) bytes without </bts>"))
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                close()
                return .failure(.timeout(command: request.command, seconds: timeout))
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(left * 1000, 1_000).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(chunk[0..<n])
            } else if n == 0 {
                close()
                return .failure(.connectionLost(command: request.command, reason: "the BTS Client closed the connection"))
            } else if errno != EINTR && errno != EAGAIN {
                let why = String(cString: strerror(errno))
                close()
                return .failure(.connectionLost(command: request.command, reason: why))
            }
        }
    }

    private func sendAll(_ bytes: [UInt8], command: String, deadline: Date, timeout: Double) -> BTSError? {
        var sent = 0
        while sent < bytes.count {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return .timeout(command: command, seconds: timeout) }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&p, 1, Int32(min(left * 1000, 1_000).rounded(.up)))
            if ready <= 0 { continue }
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && errno != EINTR && errno != EAGAIN {
                return .connectionLost(command: command, reason: String(cString: strerror(errno)))
            }
        }
        return nil
    }

    /// Resolves the host (IPv4, IPv6 or a name) and connects within `connectTimeout`.
    private func open() -> BTSError? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            return .cannotConnect(host: host, port: port, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            guard s >= 0 else { reason = String(cString: strerror(errno)); continue }
            let flags = fcntl(s, F_GETFL)
            _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
            var ok = Glibc.connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0
            if !ok && errno == EINPROGRESS {
                var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, Int32(connectTimeout * 1000)) == 1 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len)
                    ok = err == 0
                    if !ok { reason = String(cString: strerror(err)) }
                } else {
                    reason = "no answer within \(connectTimeout) s"
                }
            } else if !ok {
                reason = String(cString: strerror(errno))
            }
            if ok {
                var one: Int32 = 1
                _ = setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                fd = s
                buffer = BTSFrameBuffer()
                return nil
            }
            Glibc.close(s)
        }
        return .cannotConnect(host: host, port: port, reason: reason)
    }
}
