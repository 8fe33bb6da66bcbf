import EchemDrivers
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking socket work on its own thread, so tests never block Swift's cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { c in
        Thread { c.resume(returning: body()) }.start()
    }
}

/// A plain TCP client that sends exact bytes and reads exact bytes: for framing and garbage tests.
final class RawBTSClient: @unchecked Sendable {
    // @unchecked: used by one test at a time, each call on its own thread.
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw NewareTestFailure("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) async {
        let fd = fd
        _ = await onThread { bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
    }

    func send(_ text: String) async { await send(Array(text.utf8)) }

    /// Bytes until the buffer ends with `suffix`, or until `timeout`; `closed` when the peer hung up.
    func read(until suffix: String = "</bts>\n\n#\r\n", timeout: Double = 5) async -> (bytes: [UInt8], closed: Bool) {
        let fd = fd
        let end = Array(suffix.utf8)
        return await onThread {
            var got: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if got.count >= end.count && Array(got.suffix(end.count)) == end { return (got, false) }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 50) > 0 else { continue }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return (got, true) }
                got.append(contentsOf: chunk[0..<n])
            }
            return (got, false)
        }
    }

    func exchange(_ text: String) async -> String {
        await send(text)
        return String(decoding: await read().bytes, as: UTF8.self)
    }
}

/// A scripted BTS Client stand-in on a real port: records every request's exact bytes and answers
/// each as the test says (a reply sent in pieces, silence, or a hang-up).
final class ScriptedBTSServer: Sendable {
    enum Action: Sendable {
        /// Reply bytes, written as separate TCP sends with a short pause between them.
        case reply([[UInt8]])
        case silence
        case close
    }

    let port: Int
    private let listenFD: Int32
    private let state = Mutex<(requests: [[UInt8]], connections: Int, stopping: Bool)>(([], 0, false))
    private let script: @Sendable (String, Int) -> Action

    /// `script(requestText, requestNumber)` decides each answer (numbers from 1).
    init(script: @escaping @Sendable (String, Int) -> Action) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 4)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        let me = self
        Thread { me.serve() }.start()
    }

    var requests: [[UInt8]] { state.withLock { $0.requests } }
    var connections: Int { state.withLock { $0.connections } }

    func stop() {
        state.withLock { $0.stopping = true }
        shutdown(listenFD, Int32(SHUT_RDWR))
    }

    private func serve() {
        while !state.withLock({ $0.stopping }) {
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let c = accept(listenFD, nil, nil)
            guard c >= 0 else { continue }
            state.withLock { $0.connections += 1 }
            handle(c)
        }
        close(listenFD)
    }

    /// Serves one connection until it closes (one client at a time is all these tests need).
    private func handle(_ c: Int32) {
        defer { close(c) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let terminator = Array("</bts>\n\n#\r\n".utf8)
        while !state.withLock({ $0.stopping }) {
            var p = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            buffer.append(contentsOf: chunk[0..<n])
            while let r = buffer.firstRange(of: terminator) {
                let request = Array(buffer[..<r.upperBound])
                buffer.removeSubrange(..<r.upperBound)
                let number = state.withLock { s -> Int in s.requests.append(request); return s.requests.count }
                switch script(String(decoding: request, as: UTF8.self), number) {
                case .reply(let pieces):
                    for piece in pieces {
                        _ = piece.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        usleep(2_000)
                    }
                case .silence: break
                case .close: return
                }
            }
        }
    }

    /// A reply as the captured BTS 8 replies look (CRLF, two-space indent, `\n\n#\r\n` trailer).
    static func captured(_ lines: [String]) -> [UInt8] { BTSFraming.reply(lines: lines) }
}
