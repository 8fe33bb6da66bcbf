import EchemCore
import EchemStore
import EchemTestSupport
import Foundation
import Testing

// Support for SeedPotentiostatTests: seed files shortened by text edits, jobs driven through the
// socket (operator pauses resumed as a user would), CV segments read back from stored samples,
// and two independent wire clients (Modbus TCP and a MethodSCRIPT line on the pty) that the
// `echem-sim pair` tests use as oracles, written from the protocols rather than from echemd's drivers.

/// A seed protocol's text, with edits that shorten it; every edit must find its text, so a seed
/// file that changes fails here rather than silently running the long version.
func seedText(_ file: String, edits: [(String, String)] = []) throws -> String {
    var text = try String(contentsOfFile: repositoryRoot.path + "/" + file, encoding: .utf8)
    for (from, to) in edits {
        guard text.contains(from) else { throw HarnessError(description: "\(file): no '\(from)' to shorten") }
        text = text.replacingOccurrences(of: from, with: to)
    }
    return text
}

/// A job as the queue shows it when it ended, and the operator pauses it went through.
struct FinishedJob {
    var id: String
    var state: String
    var reason: String
    var run: UUID?
    /// The job's reason at each operator pause ("operator: …"), in order.
    var operatorPauses: [String]
}

/// Submits each (filename, protocol, target) and waits until every job has ended, resuming each
/// operator pause once it is stored in the run's log (one resume per stored pause, so a resume
/// never lands on a later pause). Returns the jobs by filename.
func runJobs(_ daemon: DaemonProcess, _ submissions: [(file: String, text: String, target: [String: String])],
             within seconds: Double) async throws -> [String: FinishedJob] {
    let c = try daemon.connect()
    var ids: [String: String] = [:]
    for s in submissions {
        let reply = try request(c, ["op": "submit", "protocol": s.text, "filename": s.file, "target": s.target])
        let job = reply["job"] as? [String: Any]
        guard reply["ok"] as? Bool == true, let id = job?["id"] as? String else {
            throw HarnessError(description: "submit \(s.file): \(reply)")
        }
        ids[s.file] = id
    }
    var pauses: [String: [String]] = [:]
    var store: RunStore?
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        let jobs = try request(c, ["op": "queue", "all": true])["jobs"] as? [[String: Any]] ?? []
        var ended: [String: FinishedJob] = [:]
        for (file, id) in ids {
            guard let j = jobs.first(where: { $0["id"] as? String == id }) else { continue }
            let state = j["state"] as? String ?? "", reason = j["reason"] as? String ?? ""
            let run = (j["run"] as? String).flatMap(UUID.init(uuidString:))
            if ["done", "failed", "cancelled"].contains(state) {
                ended[file] = FinishedJob(id: id, state: state, reason: reason, run: run, operatorPauses: pauses[file] ?? [])
                continue
            }
            guard state == "paused", let run else { continue }
            if store == nil { store = try? RunStore(path: daemon.storePath) }
            let stored = (try? store?.events(runID: run).filter { $0.kind == "pause" }.count) ?? 0
            if stored > (pauses[file]?.count ?? 0) {
                pauses[file, default: []].append(reason)
                let r = try request(c, ["op": "resume", "target": id])
                guard r["ok"] as? Bool == true else { throw HarnessError(description: "resume \(file): \(r)") }
            }
        }
        if ended.count == ids.count { return ended }
        guard Date() < deadline else {
            throw HarnessError(description: "jobs still running after \(seconds) s: \(jobs.map { "\($0["name"] ?? "?"): \($0["state"] ?? "?") \($0["reason"] ?? "")" }); log:\n\(daemon.log.suffix(3000))")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

// MARK: - CV segments

/// A stretch of a stored sweep where the potential moves one way: from one turning point to the next.
struct SweepLeg {
    var samples: ArraySlice<Sample>
    var rising: Bool
    var fromVolts: Double { samples.first!.volts }
    var toVolts: Double { samples.last!.volts }
    /// Least-squares dV/dt of the stored samples (V/s).
    var slope: Double {
        let n = Double(samples.count)
        let mt = samples.reduce(0) { $0 + $1.testTime } / n, mv = samples.reduce(0) { $0 + $1.volts } / n
        var stv = 0.0, stt = 0.0
        for s in samples {
            stv += (s.testTime - mt) * (s.volts - mv)
            stt += (s.testTime - mt) * (s.testTime - mt)
        }
        return stv / stt
    }
}

/// The legs of a sweep step's samples: maximal runs in one direction (a sample at the same
/// potential, as in the hold after the last vertex, belongs to no leg).
func sweepLegs(_ samples: [Sample]) -> [SweepLeg] {
    var legs: [SweepLeg] = []
    var start = 0
    var rising: Bool?
    for k in 1..<max(1, samples.count) {
        let dv = samples[k].volts - samples[k - 1].volts
        guard dv != 0 else {
            if let r = rising { legs.append(SweepLeg(samples: samples[start..<k], rising: r)) }
            rising = nil
            start = k
            continue
        }
        if rising == nil {
            rising = dv > 0
            start = k - 1
        } else if rising != (dv > 0) {
            legs.append(SweepLeg(samples: samples[start..<k], rising: rising!))
            rising = dv > 0
            start = k - 1
        }
    }
    if let r = rising { legs.append(SweepLeg(samples: samples[start..<samples.count], rising: r)) }
    return legs.filter { $0.samples.count >= 3 }
}

// MARK: - Wire clients for `echem-sim pair`

/// Modbus TCP, function codes 03, 05 and 06 only, over a blocking socket: enough to read an EA
/// PSB's measurements and switch its output, the way any third-party master would.
final class ModbusTCPProbe {
    private let fd: Int32
    private var transaction: UInt16 = 0
    let unit: UInt8

    init(address: String, unit: UInt8) throws {
        let hostPort = address.hasPrefix("tcp://") ? String(address.dropFirst(6)) : address
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw HarnessError(description: "bad address \(address)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        inet_pton(AF_INET, String(parts[0]), &a.sin_addr)
        let ok = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { close(fd); throw HarnessError(description: "connect \(address): errno \(errno)") }
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        self.unit = unit
    }

    deinit { close(fd) }

    /// One request PDU, its reply PDU (an exception reply throws).
    func transact(_ pdu: [UInt8]) throws -> [UInt8] {
        transaction &+= 1
        let length = UInt16(pdu.count + 1)
        let frame = [UInt8(transaction >> 8), UInt8(transaction & 0xFF), 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), unit] + pdu
        guard frame.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == frame.count else {
            throw HarnessError(description: "send failed")
        }
        let header = try receive(7)
        let reply = try receive(Int(UInt16(header[4]) << 8 | UInt16(header[5])) - 1)
        guard reply.first == pdu.first else { throw HarnessError(description: "Modbus exception \(reply)") }
        return reply
    }

    private func receive(_ n: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let r = out.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, n - got, 0) }
            guard r > 0 else { throw HarnessError(description: "Modbus reply cut short") }
            got += r
        }
        return out
    }

    func readHolding(_ address: UInt16, count: UInt16) throws -> [UInt16] {
        let r = try transact([3, UInt8(address >> 8), UInt8(address & 0xFF), UInt8(count >> 8), UInt8(count & 0xFF)])
        return (0..<Int(count)).map { UInt16(r[2 + 2 * $0]) << 8 | UInt16(r[3 + 2 * $0]) }
    }

    func writeCoil(_ address: UInt16, _ on: Bool) throws {
        _ = try transact([5, UInt8(address >> 8), UInt8(address & 0xFF), on ? 0xFF : 0, 0])
    }

    func writeRegister(_ address: UInt16, _ value: UInt16) throws {
        _ = try transact([6, UInt8(address >> 8), UInt8(address & 0xFF), UInt8(value >> 8), UInt8(value & 0xFF)])
    }
}

/// An EA PSB 10000 as drivers/ea-psb-10000.toml maps it, at the ratings the tests give the
/// simulator (10 V, 10 mA): set-points and readings are raw / 52428 of the rating.
struct PSBRegisters {
    static let fullScale = 52428.0
    let probe: ModbusTCPProbe
    let ratedVolts: Double, ratedAmperes: Double

    /// status (u32 at 505–506; bit 7 output), actual_voltage 507, actual_current 508 (magnitude).
    /// Reading 507 is a poll: in lockstep it steps the cell one sample period.
    func poll() throws -> (outputOn: Bool, volts: Double, amperes: Double) {
        let w = try probe.readHolding(505, count: 4)
        let status = UInt32(w[0]) << 16 | UInt32(w[1])
        return (status & (1 << 7) != 0, Double(w[2]) / Self.fullScale * ratedVolts, Double(w[3]) / Self.fullScale * ratedAmperes)
    }

    /// Remote on, then the source and sink limits and the voltage set-point.
    func program(volts: Double, sourceAmperes: Double, sinkAmperes: Double) throws {
        try probe.writeCoil(402, true)
        try probe.writeRegister(500, UInt16(volts / ratedVolts * Self.fullScale))
        try probe.writeRegister(501, UInt16(sourceAmperes / ratedAmperes * Self.fullScale))
        try probe.writeRegister(499, UInt16(sinkAmperes / ratedAmperes * Self.fullScale))
    }

    func output(_ on: Bool) throws { try probe.writeCoil(405, on) }
}

/// The host side of a MethodSCRIPT serial line on the simulator's pty: raw mode, lines out,
/// reply lines in (timeouts so a silent device fails the test instead of hanging it).
final class MethodSCRIPTLine {
    private let fd: Int32
    private var inbox: [UInt8] = []

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw HarnessError(description: "open \(path): errno \(errno)") }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
    }

    deinit { close(fd) }

    func send(_ lines: [String]) {
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Uploads and starts a script (`e`, its lines, the empty line).
    func run(_ script: [String]) { send(["e"] + script + [""]) }

    func readLine(timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = inbox.firstIndex(of: 0x0A) {
                let line = String(decoding: inbox[..<nl], as: UTF8.self)
                inbox.removeFirst(nl + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard Date() < deadline else { throw HarnessError(description: "no reply line within \(timeout) s") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 100) > 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = read(fd, &chunk, chunk.count)
                if n > 0 { inbox += chunk[0..<n] }
            }
        }
    }

    /// Lines up to and including the first one that satisfies `stop`.
    func readLines(until stop: (String) -> Bool, timeout: Double = 5) throws -> [String] {
        var out: [String] = []
        while true {
            let l = try readLine(timeout: timeout)
            out.append(l)
            if stop(l) { return out }
        }
    }

    /// The value of a data package's field of type `code` (`P` line, `;`-separated, e.g. `da…u`):
    /// 7 hex digits offset-binary (2^27), then the SI prefix.
    static func value(_ code: String, in line: String) -> Double? {
        guard line.hasPrefix("P") else { return nil }
        for field in line.dropFirst().split(separator: ";") {
            let f = field.split(separator: ",")[0]
            guard f.hasPrefix(code), f.count >= 10 else { continue }
            let hex = f.dropFirst(2).prefix(7)
            guard let raw = Int(hex, radix: 16) else { return nil }
            let prefixes: [Character: Double] = ["a": 1e-18, "f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3,
                                                 " ": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18]
            guard let scale = prefixes[f[f.index(f.startIndex, offsetBy: 9)]] else { return nil }
            return Double(raw - (1 << 27)) * scale
        }
        return nil
    }
}
