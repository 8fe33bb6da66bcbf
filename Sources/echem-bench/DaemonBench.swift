import EchemPlatform
import Foundation
import Synchronization

/// `echem-bench daemon --channels N --rate HZ --clients C --seconds S [--durability full|normal]`:
/// a real `echemd` (the one built beside this binary) on N simulated channels sampling at HZ in
/// real time, C socket clients subscribed to everything. Reports the daemon's CPU (share of one
/// core), its RSS, and sample→client latency: for every sample, the client's receive time minus
/// the sample's acquisition time (includes the up-to-0.25 s durable batching), and for the newest
/// sample of each page (acquired just before its commit: the delivery latency).
struct DaemonBench {
    var channels = 100
    var rate = 10.0
    var clients = 10
    var seconds = 20.0
    var durability = "full"

    init(arguments: [String]) {
        var it = arguments.makeIterator()
        while let a = it.next() {
            let v = it.next() ?? ""
            switch a {
            case "--channels": channels = Int(v) ?? channels
            case "--rate": rate = Double(v.replacingOccurrences(of: "Hz", with: "")) ?? rate
            case "--clients": clients = Int(v) ?? clients
            case "--seconds": seconds = Double(v) ?? seconds
            case "--durability": durability = v
            default: break
            }
        }
    }

    func run() throws -> String {
        let dir = "/tmp/echem-bench-daemon-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var toml = "bench = \"bench\"\ndurability = \"\(durability)\"\n[simulation]\nspeed = 1\nsample_period = \"\(1 / rate) s\"\n"
        for i in 1...channels {
            toml += "[[channels]]\nid = \"ch-\(i)\"\ndriver = \"sim-cycler\"\n"
                + "limits = { min_voltage = \"-5 V\", max_voltage = \"5 V\", max_current = \"50 mA\" }\n"
        }
        try toml.write(toFile: dir + "/echemd.toml", atomically: true, encoding: .utf8)
        let socket = dir + "/echemd.sock"
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("echemd")
        daemon.arguments = ["--config", dir + "/echemd.toml", "--state-dir", dir, "--socket", socket]
        daemon.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        var control: UnixLineClient?
        for _ in 0..<200 where control == nil {
            control = try? UnixLineClient(connectingTo: socket)
            if control == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let control else { throw BenchError("echemd did not start") }

        let readers = (0..<clients).map { _ in LatencyReader(socket: socket) }
        for i in 1...channels {
            let proto = """
            echemd: 1
            name: bench rest ch-\(i)
            job: {channel: ch-\(i)}
            cell: {name: bench cell, chemistry: ideal_linear, nominal_capacity: 1 mAh}
            record: {every: \(1 / rate) s}
            steps:
              - rest: 10 h
            """
            let request: [String: Any] = ["v": 1, "id": i, "op": "submit", "protocol": proto, "filename": "bench-\(i).yaml"]
            try control.send(String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
            _ = try control.readLine(timeout: .seconds(30))
        }
        Thread.sleep(forTimeInterval: 3) // warm-up: every run started and streaming
        for r in readers { r.reset() }
        let cpu0 = Self.cpuSeconds(daemon.processIdentifier), t0 = Date()
        Thread.sleep(forTimeInterval: seconds)
        let cpu1 = Self.cpuSeconds(daemon.processIdentifier), wall = Date().timeIntervalSince(t0)
        let rss = Self.rssMiB(daemon.processIdentifier)
        var all: [Double] = [], newest: [Double] = []
        var samples = 0
        for r in readers {
            let s = r.take()
            all += s.all
            newest += s.newest
            samples += s.count
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        all.sort(); newest.sort()
        func p(_ a: [Double], _ q: Double) -> Double { a.isEmpty ? .nan : a[min(a.count - 1, Int(Double(a.count) * q))] * 1000 }
        let expected = Double(channels) * rate * wall * Double(clients)
        return String(format: "| daemon, %d channels at %.0f Hz, %d clients, %@ | %.0f%% of one core | %.0f MiB RSS | newest sample p50 %.1f ms, p99 %.1f ms; every sample p50 %.0f ms, p99 %.0f ms | %.0f%% of expected samples delivered |",
                      channels, rate, clients, durability, (cpu1 - cpu0) / wall * 100, rss, p(newest, 0.5), p(newest, 0.99),
                      p(all, 0.5), p(all, 0.99), Double(samples) / expected * 100)
    }

    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
        let utime = Double(fields[11]) ?? 0, stime = Double(fields[12]) ?? 0
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func rssMiB(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Double(line.split(separator: " ")[1]) ?? 0) / 1024
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// One subscribed client on its own thread, timing each sample's arrival.
final class LatencyReader: Sendable {
    struct Seen {
        var all: [Double] = []
        var newest: [Double] = []
        var count = 0
    }

    let seen = Mutex(Seen())

    init(socket: String) {
        Thread.detachNewThread { [self] in
            guard let c = try? UnixLineClient(connectingTo: socket) else { return }
            try? c.send(#"{"v":1,"id":1,"op":"subscribe","all":true}"#)
            while let line = try? c.readLine(timeout: nil) {
                let now = Date().timeIntervalSince1970
                guard line.hasPrefix(#"{"v":1,"type":"samples""#),
                      let doc = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let rows = doc["rows"] as? [[Any]] else { continue }
                let latencies = rows.compactMap { row in (row[2] as? NSNumber).map { now - $0.doubleValue } }
                seen.withLock { s in
                    s.all += latencies
                    if let last = latencies.last { s.newest.append(last) }
                    s.count += rows.count
                }
            }
        }
    }

    func reset() { seen.withLock { $0 = Seen() } }
    func take() -> Seen { seen.withLock { $0 } }
}
