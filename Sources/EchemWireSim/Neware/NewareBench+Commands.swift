import EchemCore
import EchemDrivers
import EchemSim
import Foundation

/// Replies in the captured BTS 8 shapes (research §1.4), quirks included: `donwload_resp`,
/// `Channelid` in `getdevinfo`, a stray `subdevid="1"` in `getchlstatus`, cycle ids from 0 in
/// `download` and from 1 in `downloadStepLayer`, one test id per `start` batch.
extension NewareBench {
    func deviceInfo(_ s: State) -> [String] {
        var lines = ["<cmd>getdevinfo_resp</cmd>", "<serverip count=\"1\">",
                     "  <server ip=\"\(BTSXMLEscape.attribute(configuration.topology.ip))\" port=\"3306\" />", "</serverip>",
                     "<middle count=\"\(s.channels.count)\">"]
        for c in s.channels {
            let a = c.address
            lines.append("  <channel ip=\"\(BTSXMLEscape.attribute(a.ip))\" devtype=\"\(a.devtype)\" devid=\"\(a.devid)\" "
                         + "subdevid=\"\(a.subdevid)\" Channelid=\"\(a.chlid)\">true</channel>")
        }
        lines.append("</middle>")
        return lines
    }

    func channelStatus(_ root: BTSXMLElement, _ s: State) -> [String] {
        let asked = items(root, "status")
        var lines = ["<cmd>getchlstatus_resp</cmd>", "<list count=\"\(asked.count)\">"]
        for e in asked {
            var a = BTSChannelAddress(element: e) ?? BTSChannelAddress(devid: 0, subdevid: 0, chlid: 0)
            let k = channelIndex(e, s)
            if configuration.strayStatusSubdevice { a.subdevid = 1 }
            let reserve = k.flatMap { s.channels[$0].latest?.reservation } != nil ? "1" : "0"
            let text = k.map { s.channels[$0].status.description } ?? "false"
            lines.append("  <status \(a.attributes) reservepause=\"\(reserve)\">\(text)</status>")
        }
        return lines + ["</list>"]
    }

    func inquire(_ root: BTSXMLElement, _ s: State) -> [String] {
        let asked = items(root, "inquire")
        let u = configuration.unitScale
        var lines = ["<cmd>inquire_resp</cmd>", "<list count=\"\(asked.count)\">"]
        for e in asked {
            let a = BTSChannelAddress(element: e)
            let dev = a.map { "\($0.devtype)-\($0.devid)-\($0.subdevid)-\($0.chlid)-0" } ?? "0-0-0-0-0"
            guard let k = channelIndex(e, s) else {
                lines.append("  <inquire dev=\"\(dev)\" cycle_id=\"0\" step_type=\"--\" workstatus=\"--\" barcode=\"\" current=\"0\" "
                             + "voltage=\"0\" capacity=\"0\" energy=\"0\" totaltime=\"0\" relativetime=\"0\" open_or_close=\"0\" log_code=\"0\" />")
                continue
            }
            let ch = s.channels[k]
            let run = ch.latest
            let stepAttr: String
            if let run, run.phase != .finished, let step = run.currentStep {
                stepAttr = "step_id=\"\(step.id)\" step_type=\"\(step.type.apiName)\""
            } else {
                stepAttr = "step_type=\"--\""
            }
            // Output on only while running; otherwise the terminals show the open-circuit voltage.
            let running = run?.phase == .running
            lines.append("  <inquire dev=\"\(dev)\" cycle_id=\"\(max(0, (run?.cycleNumber ?? 1) - 1))\" \(stepAttr) "
                         + "workstatus=\"\(ch.status)\" barcode=\"\(BTSXMLEscape.attribute(run?.barcode ?? ""))\" "
                         + "current=\"\(num(running ? u.fromSI(run?.lastAmperes ?? 0) : 0))\" "
                         + "voltage=\"\(num(running ? run?.lastVolts ?? 0 : ch.cell.openCircuitVoltage()))\" "
                         + "capacity=\"\(num(u.fromSI(run?.stepCapacity ?? 0)))\" energy=\"\(num(u.fromSI(run?.stepEnergy ?? 0)))\" "
                         + "totaltime=\"\(num(run?.testTime ?? 0))\" relativetime=\"\(num(run?.stepTime ?? 0))\" "
                         + "open_or_close=\"0\" log_code=\"0\" />")
        }
        return lines + ["</list>"]
    }

    func inquireDataFile(_ root: BTSXMLElement, _ s: State) -> [String] {
        let asked = items(root, "chl")
        var lines = ["<cmd>inquiredf_resp</cmd>", "<list count=\"\(asked.count)\">"]
        for e in asked {
            let a = BTSChannelAddress(element: e) ?? BTSChannelAddress(devid: 0, subdevid: 0, chlid: 0)
            let wanted = e["testid"].flatMap { Int($0) } ?? 0
            let run = channelIndex(e, s).flatMap { test(s.channels[$0], wanted) }
            let complete = run.map { !($0.phase == .running || isPaused($0)) } ?? true
            lines.append("  <chl \(a.attributesWithoutIP) testid=\"\(run?.testID ?? 0)\" count=\"\(run?.rows.count ?? 0)\">"
                         + "\(complete ? "true" : "false")</chl>")
        }
        return lines + ["</list>"]
    }

    private func isPaused(_ r: NewareTestRun) -> Bool {
        if case .pausedAt = r.phase { return true }
        if case .pausedBefore = r.phase { return true }
        return false
    }

    /// `testid` 0 is the latest test; otherwise the channel's test with that id.
    func test(_ ch: NewareSimChannel, _ id: Int) -> NewareTestRun? {
        id == 0 ? ch.latest : ch.tests.last { $0.testID == id }
    }

    func start(_ root: BTSXMLElement, _ s: inout State) -> [String] {
        let asked = items(root, "start")
        let testID = s.nextTestID
        var started = 0
        var lines = ["<cmd>start_resp</cmd>", "<list count=\"\(asked.count)\">"]
        let now = Date().timeIntervalSince1970
        for e in asked {
            let a = BTSChannelAddress(element: e) ?? BTSChannelAddress(devid: 0, subdevid: 0, chlid: 0)
            var answer = "false"
            if let k = channelIndex(e, s) {
                switch prepare(e.text, on: s.channels[k]) {
                case .failure(let why):
                    log("start on \(a.pipeline) refused: \(why)")
                case .success(let (table, cell)):
                    s.channels[k].cell = cell
                    s.channels[k].tests.append(NewareTestRun(testID: testID, barcode: e["barcode"] ?? "", table: table,
                                                             startUnix: now, cell: cell))
                    s.channels[k].alarm = false
                    answer = "ok"
                    started += 1
                    log("start on \(a.pipeline): test \(testID), \(table.steps.count) steps from \(e.text)")
                }
            } else {
                log("start: no channel \(a.pipeline) in this topology")
            }
            lines.append("  <start \(a.attributes)>\(answer)</start>")
        }
        if started > 0 { s.nextTestID += 1 }
        return lines + ["</list>"]
    }

    /// Reads and checks a step file for a channel; the new cell to run it on.
    private func prepare(_ path: String, on ch: NewareSimChannel) -> Result<(NewareStepTable, CellModel), SimulatorError> {
        guard ch.status.acceptsStart else {
            return .failure(SimulatorError("the channel is \(ch.status); start needs finish, stop or protect"))
        }
        let local = localPath(path)
        guard let data = FileManager.default.contents(atPath: local) else {
            return .failure(SimulatorError("cannot read step file \(path) (looked at \(local))"))
        }
        let table: NewareStepTable
        do { table = try NewareStepFileReader.read(Array(data)) } catch { return .failure(SimulatorError("\(path): \(error)")) }
        for st in table.steps {
            switch st.type {
            case .cpCharge, .cpDischarge, .crDischarge, .simulation, .voltageScan:
                return .failure(SimulatorError("\(path): step \(st.id) type \(st.type.rawValue) is not simulated"))
            default: break
            }
            if let i = st.current, i > configuration.maxAbsCurrent * (1 + 1e-9) {
                return .failure(SimulatorError("\(path): step \(st.id) asks \(i) A, beyond the channel's \(configuration.maxAbsCurrent) A"))
            }
            if let v = st.voltage, v < configuration.minVolts || v > configuration.maxVolts {
                return .failure(SimulatorError("\(path): step \(st.id) asks \(v) V, outside the channel's range"))
            }
        }
        do { return .success((table, try NewareSimChannel.makeCell(ch.cellSpec))) } catch { return .failure(error) }
    }

    /// A Windows path from `start` (`C:\dir\file.xml`) under `stepFileRoot`; POSIX paths as given.
    func localPath(_ path: String) -> String {
        let p = path.trimmingCharacters(in: .whitespacesAndNewlines)
        let isWindows = p.contains("\\") || (p.count >= 2 && p.dropFirst().first == ":")
        guard isWindows || !p.hasPrefix("/") else { return p }
        var rel = p
        if rel.count >= 2, rel.dropFirst().first == ":" { rel = String(rel.dropFirst(2)) }
        rel = rel.replacingOccurrences(of: "\\", with: "/")
        while rel.hasPrefix("/") { rel.removeFirst() }
        guard let root = configuration.stepFileRoot else { return isWindows ? "/" + rel : p }
        return (root as NSString).appendingPathComponent(rel)
    }

    func channelCommand(_ cmd: String, _ root: BTSXMLElement, _ s: inout State) -> [String] {
        let asked = items(root, cmd)
        var lines = ["<cmd>\(cmd)_resp</cmd>", "<list count=\"\(asked.count)\">"]
        for e in asked {
            let a = BTSChannelAddress(element: e) ?? BTSChannelAddress(devid: 0, subdevid: 0, chlid: 0)
            var ok = false
            if let k = channelIndex(e, s) {
                let t = s.channels[k].tests.count - 1
                switch cmd {
                case "stop": ok = t >= 0 && s.channels[k].tests[t].stop()
                case "continue": ok = t >= 0 && s.channels[k].tests[t].resume()
                case "goto": ok = t >= 0 && (e["step"].flatMap { Int($0) }.map { s.channels[k].tests[t].goto($0) } ?? false)
                case "setpause":
                    if t >= 0, s.channels[k].tests[t].phase != .finished {
                        let cycle = e["cycleid"].flatMap { Int($0) } ?? -1
                        let step = e["stepid"].flatMap { Int($0) } ?? -1
                        s.channels[k].tests[t].reservation = (cycle, step)
                        ok = true
                    }
                case "cancelpause":
                    if t >= 0 { s.channels[k].tests[t].reservation = nil; ok = true }
                case "clearflag":
                    ok = s.channels[k].alarm
                    s.channels[k].alarm = false
                case "light":
                    s.channels[k].light = e.text.lowercased() != "false"
                    ok = true
                default: break
                }
                log("\(cmd) on \(a.pipeline): \(ok ? "ok" : "false")")
            }
            lines.append("  <\(cmd) \(a.attributes)>\(ok ? "ok" : "false")</\(cmd)>")
        }
        return lines + ["</list>"]
    }

    func download(_ root: BTSXMLElement, _ s: State) -> [String] {
        let req = root.child("download") ?? BTSXMLElement("download")
        let a = BTSChannelAddress(element: req) ?? BTSChannelAddress(devid: 0, subdevid: 0, chlid: 0)
        let run = channelIndex(req, s).flatMap { test(s.channels[$0], req["testid"].flatMap { Int($0) } ?? 0) }
        let startpos = req["startpos"].flatMap { Int($0) } ?? 1
        let count = max(0, min(BTSRequest.maxDownloadRows, req["count"].flatMap { Int($0) } ?? 0))
        var rows: ArraySlice<NewareTestRun.Row> = []
        if let run, count > 0 {
            let from = max(1, startpos)
            if from <= run.rows.count { rows = run.rows[(from - 1)..<min(run.rows.count, from - 1 + count)] }
        }
        let u = configuration.unitScale
        var lines = ["<cmd>donwload_resp</cmd>",
                     "<download \(a.attributesWithoutIP) testid=\"\(run?.testID ?? 0)\" startpos=\"\(startpos)\" "
                         + "count=\"\(req["count"] ?? "0")\" auxid=\"\(req["auxid"] ?? "0")\" />",
                     "<list count=\"\(rows.count)\">"]
        for r in rows {
            lines.append("  <data seqid=\"\(r.seqid)\" stepid=\"\(r.stepID)\" cycleid=\"\(r.cycleNumber - 1)\" steptype=\"\(r.type.apiName)\" "
                         + "testtime=\"\(Int64((r.testTime * 1000).rounded()))\" atime=\"\(Self.atime(run!.startUnix + r.testTime))\" "
                         + "volt=\"\(num(r.volts))\" curr=\"\(num(u.fromSI(r.amperes)))\" cap=\"\(num(u.fromSI(r.capacity)))\" "
                         + "eng=\"\(num(u.fromSI(r.energy)))\" />")
        }
        return lines + ["</list>"]
    }

    func stepLayer(_ root: BTSXMLElement, _ s: State) -> [String] {
        let req = root.child("downloadStepLayer") ?? BTSXMLElement("downloadStepLayer")
        let a = BTSChannelAddress(element: req) ?? BTSChannelAddress(devid: 0, subdevid: 0, chlid: 0)
        let run = channelIndex(req, s).flatMap { test(s.channels[$0], req["testid"].flatMap { Int($0) } ?? 0) }
        let layers = run?.layers ?? []
        let u = configuration.unitScale
        var lines = ["<cmd>downloadStepLayer_resp</cmd>",
                     "<downloadStepLayer \(a.attributesWithoutIP) testid=\"\(run?.testID ?? 0)\" />",
                     "<list count=\"\(layers.count)\">"]
        for l in layers {
            lines.append("  <data startseqid=\"\(l.startSeqid)\" endseqid=\"\(l.endSeqid)\" stepindex=\"\(l.stepIndex)\" "
                         + "stepid=\"\(l.stepID)\" cycleid=\"\(l.cycleNumber)\" steptype=\"\(l.type.apiName)\" "
                         + "steptime=\"\(Int64((l.stepTime * 1000).rounded()))\" endatime=\"\(Self.atime(run!.startUnix + l.endTestTime))\" "
                         + "startvolt=\"\(num(l.startVolts))\" endvolt=\"\(num(l.endVolts))\" "
                         + "startcurr=\"\(num(u.fromSI(l.startAmperes)))\" endcurr=\"\(num(u.fromSI(l.endAmperes)))\" "
                         + "cap=\"\(num(u.fromSI(l.capacity)))\" eng=\"\(num(u.fromSI(l.energy)))\" dcir=\"0\" />")
        }
        return lines + ["</list>"]
    }

    func num(_ x: Double) -> String { BTSNumberFormat.decimal(x) }

    /// `YYYY-MM-DD hh:mm:ss`, UTC (the simulated BTS machine's clock).
    static func atime(_ unix: Double) -> String {
        var t = time_t(unix.rounded(.down))
        var p = tm()
        gmtime_r(&t, &p)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday),
                      Int(p.tm_hour), Int(p.tm_min), Int(p.tm_sec))
    }
}
