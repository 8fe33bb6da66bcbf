import Foundation
import EchemPlatform
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

@Suite("Socket activation: echemd serves the socket systemd passes it")
struct SocketActivationE2ETests {
    @Test("Under systemd-socket-activate, echemd adopts fd 3 instead of binding, and answers on it",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate"),
                   "needs systemd's systemd-socket-activate (make test installs it)"))
    func adoptsPassedSocket() async throws {
        let state = temporaryDirectory("activate")
        let socket = state + "/activated.sock"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        // The daemon is told a different socket path: if it bound its own, nothing would answer here.
        p.arguments = ["-l", socket, builtExecutable("echemd"), "--state-dir", state, "--socket", state + "/unused.sock",
                       "--sim-speed", "1"]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        p.standardOutput = log
        p.standardError = log
        try p.run()
        defer { kill(p.processIdentifier, SIGTERM); p.waitUntilExit() }
        try await waitUntil(20, "the activated socket to exist") { FileManager.default.fileExists(atPath: socket) }
        // systemd-socket-activate starts the daemon on the first connection.
        var reply: [String: Any]?
        let deadline = Date().addingTimeInterval(30)
        while reply == nil && Date() < deadline {
            if let c = try? UnixLineClient(connectingTo: socket) { reply = try? request(c, ["op": "status"]) }
            if reply == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(reply?["ok"] as? Bool == true)
        #expect(!FileManager.default.fileExists(atPath: state + "/unused.sock"), "echemd did not bind a socket of its own")
    }
}
