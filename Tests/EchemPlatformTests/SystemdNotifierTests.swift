#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import EchemPlatform

extension ProcessEnvironment {
    @Suite struct SystemdNotifierTests {
        private func withEnvironment<R>(_ values: [String: String?], _ body: () -> R) -> R {
            let keys = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]
            let saved = keys.map { ($0, getenv($0).map { String(cString: $0) }) }
            for key in keys { unsetenv(key) }
            for (key, value) in values {
                if let value { setenv(key, value, 1) }
            }
            defer {
                for (key, value) in saved {
                    if let value { setenv(key, value, 1) } else { unsetenv(key) }
                }
            }
            return body()
        }

        @Test("messages reach an abstract NOTIFY_SOCKET as exact single datagrams")
        func abstractSocket() throws {
            let name = "@echem-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let receiver = try DatagramReceiver(address: name)
            defer { receiver.close() }
            withEnvironment(["NOTIFY_SOCKET": name]) {
                let notifier = SystemdNotifier()
                #expect(notifier.isEnabled)
                #expect(notifier.ready(status: "loading done") == .sent)
                #expect(receiver.receive() == Array("READY=1\nSTATUS=loading done".utf8))
                #expect(notifier.ready() == .sent)
                #expect(receiver.receive() == Array("READY=1".utf8))
                #expect(notifier.status("3 channels running") == .sent)
                #expect(receiver.receive() == Array("STATUS=3 channels running".utf8))
                #expect(notifier.watchdog() == .sent)
                #expect(receiver.receive() == Array("WATCHDOG=1".utf8))
                #expect(notifier.stopping() == .sent)
                #expect(receiver.receive() == Array("STOPPING=1".utf8))
                #expect(notifier.extendTimeout(seconds: 20) == .sent)
                #expect(receiver.receive() == Array("EXTEND_TIMEOUT_USEC=20000000".utf8))
                // A newline in a status must not smuggle in another assignment.
                #expect(notifier.status("bad\nREADY=1") == .sent)
                #expect(receiver.receive() == Array("STATUS=bad READY=1".utf8))
                #expect(receiver.receive(timeoutMS: 50) == nil, "exactly one datagram per message")
            }
        }

        @Test("messages reach a filesystem-path NOTIFY_SOCKET, many in a row")
        func pathSocket() throws {
            let dir = TempDir("notify")
            defer { dir.remove() }
            let path = dir.file("notify.sock")
            let receiver = try DatagramReceiver(address: path)
            defer { receiver.close() }
            withEnvironment(["NOTIFY_SOCKET": path]) {
                let notifier = SystemdNotifier()
                for _ in 0..<100 {
                    #expect(notifier.watchdog() == .sent)
                    #expect(receiver.receive() == Array("WATCHDOG=1".utf8))
                }
                #expect(notifier.ready(status: "up") == .sent)
                #expect(receiver.receive() == Array("READY=1\nSTATUS=up".utf8))
            }
        }

        @Test("without NOTIFY_SOCKET, or with an unusable one, every call is a no-op")
        func disabled() {
            withEnvironment([:]) {
                let notifier = SystemdNotifier()
                #expect(!notifier.isEnabled)
                #expect(notifier.ready() == .disabled)
                #expect(notifier.watchdog() == .disabled)
                #expect(notifier.watchdogInterval == nil)
            }
            withEnvironment(["NOTIFY_SOCKET": "relative/path"]) {
                #expect(SystemdNotifier().ready() == .disabled)
            }
        }

        @Test("a vanished receiver is reported as a failure, not a crash or SIGPIPE")
        func receiverGone() throws {
            let dir = TempDir("notify")
            defer { dir.remove() }
            let path = dir.file("gone.sock")
            let receiver = try DatagramReceiver(address: path)
            receiver.close()
            unlink(path)
            withEnvironment(["NOTIFY_SOCKET": path]) {
                #expect(SystemdNotifier().watchdog() == .failed(errno: ENOENT))
            }
        }

        @Test("full systemd queue: watchdog() fails at once, other messages wait up to sendTimeout")
        func queueFull() throws {
            let dir = TempDir("notify")
            defer { dir.remove() }
            let path = dir.file("busy.sock")
            let receiver = try DatagramReceiver(address: path)
            defer { receiver.close() }
            let notifier = SystemdNotifier(notifySocket: path, sendTimeout: .milliseconds(300))
            // Fill the receiver's queue (net.unix.max_dgram_qlen datagrams; nobody reads).
            var queued = 0
            while notifier.watchdog() == .sent, queued < 100_000 { queued += 1 }
            #expect(queued > 0 && queued < 100_000)
            let clock = ContinuousClock()
            var result = SystemdNotifier.Result.sent
            let ping = clock.measure { result = notifier.watchdog() }
            #expect(result == .failed(errno: EAGAIN))
            #expect(ping < .milliseconds(100), "watchdog() must not wait: took \(ping)")
            let status = clock.measure { result = notifier.status("busy") }
            #expect(result == .failed(errno: EAGAIN))
            #expect(status >= .milliseconds(250), "status() waits for room up to sendTimeout: took \(status)")
            // Room appears while ready() waits: it gets through.
            let drainer = try PosixThread.spawn(name: "drain") {
                pause(.milliseconds(100))
                _ = receiver.receive()
            }
            #expect(notifier.ready() == .sent)
            drainer.join()
            var last: [UInt8]?
            while let datagram = receiver.receive(timeoutMS: 100) { last = datagram }
            #expect(last == Array("READY=1".utf8))
        }

        @Test("WATCHDOG_USEC gives the interval; WATCHDOG_PID must be ours")
        func watchdogInterval() {
            let me = String(getpid())
            withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": me]) {
                let notifier = SystemdNotifier()
                #expect(notifier.watchdogInterval == .seconds(30))
                #expect(notifier.watchdogPingInterval == .seconds(15))
            }
            withEnvironment(["WATCHDOG_USEC": "30000000"]) {
                #expect(SystemdNotifier().watchdogInterval == .seconds(30), "no WATCHDOG_PID: applies to us")
            }
            withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid() + 1)]) {
                #expect(SystemdNotifier().watchdogInterval == nil, "meant for another process")
            }
            withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "abc"]) {
                #expect(SystemdNotifier().watchdogInterval == nil)
            }
            for bad in ["0", "", "-5", "12s", "99999999999999999999999"] {
                withEnvironment(["WATCHDOG_USEC": bad]) {
                    #expect(SystemdNotifier().watchdogInterval == nil, "WATCHDOG_USEC=\(bad)")
                }
            }
            withEnvironment(["WATCHDOG_USEC": "1500"]) {
                #expect(SystemdNotifier().watchdogInterval == .microseconds(1500))
            }
        }
    }
}
