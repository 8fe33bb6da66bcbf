import ArgumentParser
import Foundation

/// `echemctl watch`: a live line per channel (V, I, step, cycle and a voltage sparkline), with
/// run, step-change and cycle events printed above as they happen.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch live data from echemd: a line per channel with V, I, step, cycle and a sparkline.",
        discussion: """
        On a terminal the channel lines redraw in place; otherwise (a pipe, a log) one line per \
        active channel is printed every --interval. Examples: `echemctl watch`, \
        `echemctl watch --channel cyc-1 --from-seq 0`, `echemctl watch --until-idle`.
        """)

    @Option(name: .long, help: "Only these channels (repeatable). Default: every channel.")
    var channel: [String] = []

    @Option(name: .long, help: "Only this run (id or prefix).")
    var run: String?

    @Option(name: .long, help: "With --channel or --run: first backfill samples from this sequence number, then follow live.")
    var fromSeq: Int?

    @Option(name: .long, help: "Seconds between printed lines when not on a terminal.")
    var interval: Double = 2

    @Flag(name: .long, help: "Exit once no job is running, paused or queued (after at least one run ended).")
    var untilIdle = false

    @Option(name: .long, help: "Exit after this many seconds.")
    var duration: Double?

    @Flag(name: .long, help: "Print every document as received (JSON lines) instead of the display.")
    var json = false

    @OptionGroup var socket: SocketOptions

    func run() async throws {
        try runClient {
            let client = try DaemonClient(socket)
            let display = WatchDisplay(tty: isatty(STDOUT_FILENO) == 1 && !json, json: json)
            var fields: [[String: Any]] = []
            if let run { fields.append(["run": run] as [String: Any]) }
            for c in channel { fields.append(["channel": c]) }
            if fields.isEmpty { fields.append(["all": true]) }
            for var f in fields {
                if let fromSeq { f["from_seq"] = fromSeq }
                _ = try client.request("subscribe", f, onDocument: display.take)
            }
            let started = Date()
            var sawRun = false
            var lastIdleCheck = Date()
            while true {
                if let d = duration, Date().timeIntervalSince(started) >= d { break }
                if let doc = try client.nextDocument(timeout: 0.2) {
                    if doc["type"] as? String == "dropped" {
                        display.flush()
                        throw DaemonRefusal(message: "echemd dropped this watcher: \(doc["reason"] as? String ?? "")", code: "dropped")
                    }
                    if ["run_start", "samples", "run_stop"].contains(doc["type"] as? String ?? "") { sawRun = true }
                    display.take(doc)
                }
                display.tick(interval: interval)
                if untilIdle, sawRun, Date().timeIntervalSince(lastIdleCheck) > 1 {
                    lastIdleCheck = Date()
                    let status = try client.request("status", onDocument: display.take)
                    let busy = ["running", "paused", "queued"].reduce(0) { $0 + ((status[$1] as? NSNumber)?.intValue ?? 0) }
                    if busy == 0 { break }
                }
            }
            display.flush()
        }
    }
}

/// What the watcher knows about one channel.
struct ChannelLine {
    var channel: String
    var run: String = ""
    var volts: Double?
    var amperes: Double?
    var step: String = ""
    var cycle: Int?
    var testTime: Double?
    var state: String = "idle"
    var history: [Double] = []
    var updated = false

    static let sparkWidth = 32

    mutating func push(volts: Double) {
        history.append(volts)
        if history.count > ChannelLine.sparkWidth { history.removeFirst(history.count - ChannelLine.sparkWidth) }
    }

    func render() -> String {
        let v = volts.map { String(format: "%8.4f V", $0) } ?? "       — V"
        let i = amperes.map { Self.current($0) } ?? "       — A"
        let c = cycle.map { "cycle \($0)" } ?? ""
        let t = testTime.map { Self.duration($0) } ?? ""
        return "\(channel.padding(toLength: 8, withPad: " ", startingAt: 0)) \(state.padding(toLength: 7, withPad: " ", startingAt: 0)) "
            + "\(v) \(i)  \(Sparkline.render(history)) \(c.padding(toLength: 10, withPad: " ", startingAt: 0)) \(t.padding(toLength: 10, withPad: " ", startingAt: 0)) \(step)"
    }

    static func current(_ a: Double) -> String {
        let m = abs(a)
        if m >= 1 { return String(format: "%+8.4f A", a) }
        if m >= 1e-3 || m == 0 { return String(format: "%+7.3f mA", a * 1e3) }
        return String(format: "%+7.2f µA", a * 1e6)
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s)
        return t >= 86400 ? "\(t / 86400)d\(String(format: "%02d", (t % 86400) / 3600))h"
            : String(format: "%d:%02d:%02d", t / 3600, (t % 3600) / 60, t % 60)
    }
}

/// ▁▂▃▄▅▆▇█ scaled to the window's own range, so the shape of the curve shows at any voltage.
enum Sparkline {
    static let bars = Array("▁▂▃▄▅▆▇█")

    static func render(_ values: [Double]) -> String {
        guard let lo = values.min(), let hi = values.max() else {
            return String(repeating: " ", count: ChannelLine.sparkWidth)
        }
        let span = hi - lo
        let body = values.map { v -> Character in
            guard span > 1e-12 else { return bars[3] }
            return bars[min(bars.count - 1, Int((v - lo) / span * Double(bars.count - 1) + 0.5))]
        }
        return String(repeating: " ", count: max(0, ChannelLine.sparkWidth - body.count)) + String(body)
    }
}

/// Turns documents into the display: event lines scroll, channel lines redraw (TTY) or repeat.
final class WatchDisplay {
    let tty: Bool
    let json: Bool
    var lines: [String: ChannelLine] = [:]
    var order: [String] = []
    var drawnLines = 0
    var lastPrint = Date.distantPast

    init(tty: Bool, json: Bool) {
        self.tty = tty
        self.json = json
    }

    func take(_ doc: [String: Any]) {
        if json {
            if let data = try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]) {
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        let type = doc["type"] as? String ?? ""
        let channel = doc["channel"] as? String ?? ""
        let run = String((doc["run"] as? String ?? "").prefix(8))
        switch type {
        case "samples":
            guard let columns = doc["columns"] as? [String], let rows = doc["rows"] as? [[Any]], let last = rows.last else { return }
            let col = { (name: String) -> Double? in
                columns.firstIndex(of: name).flatMap { $0 < last.count ? (last[$0] as? NSNumber)?.doubleValue : nil }
            }
            var line = lines[channel] ?? newLine(channel)
            let vi = columns.firstIndex(of: "voltage") ?? 4
            // A few points per page keep the sparkline's time axis even across page sizes.
            let stride = max(1, rows.count / 4)
            for (k, row) in rows.enumerated() where k % stride == stride - 1 || k == rows.count - 1 {
                if vi < row.count, let v = (row[vi] as? NSNumber)?.doubleValue { line.push(volts: v) }
            }
            line.volts = col("voltage")
            line.amperes = col("current")
            line.cycle = col("cycle").map { Int($0) }
            line.testTime = col("test_time")
            line.run = run
            if line.state == "idle" { line.state = "running" }
            line.updated = true
            lines[channel] = line
        case "step_start":
            var line = lines[channel] ?? newLine(channel)
            let label = (doc["label"] as? String).map { " \($0)" } ?? ""
            line.step = "step \(doc["step_id"] ?? "?")\(label) \(doc["summary"] as? String ?? doc["kind"] as? String ?? "")"
            lines[channel] = line
        case "run_start":
            event("\(channel): run \(run) started: \(doc["protocol"] as? String ?? "")\((doc["resumed"] as? Bool ?? false) ? " (resumed after a restart)" : "")")
        case "run_stop":
            event("\(channel): run \(run) ended \(doc["exit_status"] as? String ?? "?"): \(doc["reason"] as? String ?? "") (\(doc["samples"] ?? "?") samples)")
        case "cycle_summary":
            let q = ((doc["discharge_capacity"] as? NSNumber)?.doubleValue ?? 0) * 1e3
            let ce = (doc["coulombic_efficiency"] as? NSNumber).map { String(format: ", CE %.2f %%", $0.doubleValue * 100) } ?? ""
            event("\(channel): cycle \(doc["cycle"] ?? "?") done: discharge \(String(format: "%.4f", q)) mAh\(ce)")
        case "channel_state":
            var line = lines[channel] ?? newLine(channel)
            line.state = doc["state"] as? String ?? line.state
            lines[channel] = line
        case "job_state":
            event("job \((doc["job"] as? String ?? "").prefix(8)) \(doc["name"] as? String ?? ""): \(doc["state"] as? String ?? "") (\(doc["reason"] as? String ?? ""))")
        case "run_event":
            if ["safety", "pause", "resume"].contains(doc["kind"] as? String ?? "") {
                event("\(channel): \(doc["kind"] as? String ?? ""): \(doc["message"] as? String ?? "")")
            }
        case "eis_spectrum":
            event("\(channel): EIS spectrum \(doc["index"] ?? "?") with \((doc["points"] as? [Any])?.count ?? 0) points")
        case "backfill_done":
            event("backfilled \(doc["samples"] ?? 0) samples of run \(run) from the store; now live")
        default:
            break
        }
    }

    private func newLine(_ channel: String) -> ChannelLine {
        if !order.contains(channel) { order.append(channel); order.sort { $0.localizedStandardCompare($1) == .orderedAscending } }
        return ChannelLine(channel: channel)
    }

    private func event(_ text: String) {
        guard !json else { return }
        erase()
        print(text)
        redraw()
    }

    func tick(interval: Double) {
        guard !json else { return }
        if tty {
            if Date().timeIntervalSince(lastPrint) >= 0.2 { erase(); redraw() }
        } else if Date().timeIntervalSince(lastPrint) >= interval {
            for ch in order where lines[ch]?.updated == true {
                print(lines[ch]!.render())
                lines[ch]?.updated = false
            }
            lastPrint = Date()
            flushStandardOutput()
        }
    }

    func flush() {
        guard !json else { return }
        if tty { erase(); redraw() } else { tick(interval: 0) }
    }

    private func erase() {
        guard tty, drawnLines > 0 else { return }
        print("\u{1B}[\(drawnLines)A\u{1B}[J", terminator: "")
        drawnLines = 0
    }

    private func redraw() {
        guard tty else { flushStandardOutput(); return }
        let shown = order.filter { lines[$0]?.run.isEmpty == false }
        for ch in shown { print(lines[ch]!.render()) }
        drawnLines = shown.count
        lastPrint = Date()
        flushStandardOutput()
    }
}

/// Pushes printed lines out now (a pipe would otherwise hold them in stdio's buffer).
func flushStandardOutput() {
    // fflush(NULL) flushes every output stream without naming the global `stdout`.
    fflush(nil)
}
