import Foundation
import Synchronization
import Testing

/// A bound AF_UNIX datagram socket standing in for systemd's notify socket. A thread of its own
/// drains it continuously, as systemd would: the kernel queues only a few datagrams, and the test
/// task may not be scheduled for seconds while other suites hold the cooperative pool.
final class NotifyReceiver: Sendable {
    let path: String
    let fd: Int32
    let received = Mutex<[String]>([])
    let running = Mutex(true)

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw HarnessError(description: "bind \(path): errno \(errno)") }
        var tv = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while running.withLock({ $0 }) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { received.withLock { $0.append(String(decoding: buffer[0..<n], as: UTF8.self)) } }
            }
        }
    }

    /// Every datagram so far, once one contains `needle` or `seconds` pass.
    func wait(for needle: String, seconds: Double) async -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !received.withLock({ $0.contains { $0.contains(needle) } }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return received.withLock { $0 }
    }

    func stop() {
        running.withLock { $0 = false }
        Thread.sleep(forTimeInterval: 0.15)
        close(fd)
        unlink(path)
    }
}

@Suite("systemd notify: READY after recovery, watchdog pings, STOPPING on SIGTERM", .serialized)
struct SystemdNotifyTests {
    @Test("echemd speaks the sd_notify protocol to \\$NOTIFY_SOCKET")
    func notifyLifecycle() async throws {
        let state = temporaryDirectory("notify")
        let receiver = try NotifyReceiver(path: state + "/notify.sock")
        defer { receiver.stop() }
        let daemon = DaemonProcess(state: state)
        // 2 s watchdog: echemd must ping at least every second while it is healthy.
        daemon.environment = ["NOTIFY_SOCKET": receiver.path, "WATCHDOG_USEC": "2000000"]
        try await daemon.start(speed: "1")
        defer { daemon.kill(SIGKILL) }
        let startup = await receiver.wait(for: "READY=1", seconds: 30)
        #expect(startup.contains { $0.contains("READY=1") }, "READY=1 once the socket, store and queue are up: \(startup)")
        let pings = await receiver.wait(for: "WATCHDOG=1", seconds: 30)
        #expect(pings.contains { $0.contains("WATCHDOG=1") }, "a watchdog ping within half the interval: \(pings)")
        daemon.kill(SIGTERM)
        let shutdown = await receiver.wait(for: "STOPPING=1", seconds: 30)
        #expect(shutdown.contains { $0.contains("STOPPING=1") }, "\(shutdown)")
        #expect(daemon.exitStatus == 0)
    }
}
