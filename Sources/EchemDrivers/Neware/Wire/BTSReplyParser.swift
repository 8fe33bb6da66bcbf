import Foundation

/// Reads BTS replies into typed values, tolerating the captured quirks (research §1.5): the
/// misspelt `donwload_resp`, replies that name another sub-device (matched to the request by
/// order instead), cycle ids from 0, and the unit scale given by configuration.
enum BTSReplyParser {
    /// Parses a reply document and checks it answers `request`.
    static func document(_ bytes: [UInt8], for request: BTSRequest) throws(BTSError) -> BTSXMLElement {
        let root: BTSXMLElement
        do { root = try BTSXMLParser.parse(bytes) } catch {
            throw .unexpectedReply(command: request.command, reason: "\(error) in '\(preview(bytes))'")
        }
        guard root.name == "bts" else {
            throw .unexpectedReply(command: request.command, reason: "document element <\(root.name)>, expected <bts>")
        }
        let cmd = root.child("cmd")?.text ?? ""
        guard request.replyCommands.contains(where: { $0.caseInsensitiveCompare(cmd) == .orderedSame }) else {
            if let result = root.child("result")?.text, result.lowercased() != "ok" {
                throw .deviceError(command: request.command, text: describe(root))
            }
            throw .unexpectedReply(command: request.command,
                                   reason: "<cmd>\(cmd)</cmd>, expected \(request.replyCommands.joined(separator: " or "))")
        }
        if let result = root.child("result")?.text, result.lowercased() != "ok" {
            throw .deviceError(command: request.command, text: describe(root))
        }
        return root
    }

    /// `false` plus any explanation the peer gave (`<error>`, `<message>`, `<reason>`).
    static func describe(_ root: BTSXMLElement) -> String {
        let result = root.child("result")?.text ?? ""
        let why = ["error", "message", "reason"].compactMap { root.child($0)?.text }.joined(separator: "; ")
        return why.isEmpty ? result : "\(result): \(why)"
    }

    static func preview(_ bytes: [UInt8]) -> String {
        let s = String(decoding: bytes.prefix(160), as: UTF8.self)
        return s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            + (bytes.count > 160 ? "…" : "")
    }

    /// The elements of `<list>` (or of another container) whose tag is `tag`.
    static func listItems(_ root: BTSXMLElement, tag: String, container: String = "list") -> [BTSXMLElement] {
        (root.child(container)?.children ?? []).filter { $0.name.caseInsensitiveCompare(tag) == .orderedSame }
    }

    /// Pairs reply items with the channels asked, by order when the counts agree (quirk 2: the
    /// reply's own `subdevid` is not to be trusted), else by address.
    static func pair(_ items: [BTSXMLElement], with asked: [BTSChannelAddress], command: String)
        throws(BTSError) -> [(BTSChannelAddress, BTSXMLElement)] {
        if items.count == asked.count { return Array(zip(asked, items)) }
        var out: [(BTSChannelAddress, BTSXMLElement)] = []
        for a in asked {
            let match = items.first { e in
                guard let r = BTSChannelAddress(element: e) ?? devAddress(e) else { return false }
                return r.devid == a.devid && r.subdevid == a.subdevid && r.chlid == a.chlid
            } ?? items.first { e in
                guard let r = BTSChannelAddress(element: e) ?? devAddress(e) else { return false }
                return r.devid == a.devid && r.chlid == a.chlid
            }
            guard let match else {
                throw .unexpectedReply(command: command,
                                       reason: "\(items.count) channel item(s) for \(asked.count) asked, and none names \(a)")
            }
            out.append((a, match))
        }
        return out
    }

    /// `dev="27-21-1-2-0"` (devtype-devid-subdevid-chlid-aux) as an address.
    static func devAddress(_ e: BTSXMLElement) -> BTSChannelAddress? {
        guard let dev = e["dev"] else { return nil }
        let p = dev.split(separator: "-").compactMap { Int($0) }
        guard p.count >= 4 else { return nil }
        return BTSChannelAddress(devtype: p[0], devid: p[1], subdevid: p[2], chlid: p[3])
    }

    static func channelResults(_ root: BTSXMLElement, tag: String, asked: [BTSChannelAddress], command: String)
        throws(BTSError) -> [BTSChannelResult] {
        try pair(listItems(root, tag: tag), with: asked, command: command).map { BTSChannelResult(channel: $0.0, text: $0.1.text) }
    }

    static func deviceInfo(_ root: BTSXMLElement) -> BTSDeviceInfo {
        let server = root.child("serverip")?.child("server")
        let channels = (root.child("middle")?.children ?? []).compactMap { e -> BTSDeviceInfo.Channel? in
            guard let a = BTSChannelAddress(element: e) else { return nil }
            return BTSDeviceInfo.Channel(address: a, available: e.text.lowercased() != "false")
        }
        return BTSDeviceInfo(serverIP: server?["ip"], serverPort: server?["port"].flatMap { Int($0) },
                             clientVersion: root.child("client")?["version"], channels: channels)
    }

    static func statuses(_ root: BTSXMLElement, asked: [BTSChannelAddress]) throws(BTSError) -> [BTSChannelStatus] {
        try pair(listItems(root, tag: "status"), with: asked, command: "getchlstatus").map { a, e in
            BTSChannelStatus(channel: a, status: BTSWorkStatus(e.text), reservePause: e["reservepause"] == "1",
                             reportedChannel: BTSChannelAddress(element: e))
        }
    }

    static func realtime(_ root: BTSXMLElement, asked: [BTSChannelAddress], scale: BTSUnitScale)
        throws(BTSError) -> [BTSRealtime] {
        try pair(listItems(root, tag: "inquire"), with: asked, command: "inquire").map { a, e in
            let type = e["step_type"].flatMap { $0 == "--" || $0.isEmpty ? nil : $0 }
            return BTSRealtime(
                channel: a, dev: e["dev"], status: BTSWorkStatus(e["workstatus"] ?? ""),
                stepID: type == nil ? nil : int(e["step_id"]), cycleID: int(e["cycle_id"]), stepType: type,
                barcode: e["barcode"], volts: double(e["voltage"]), amperes: double(e["current"]).map(scale.toSI),
                ampereHours: double(e["capacity"]).map(scale.toSI), wattHours: double(e["energy"]).map(scale.toSI),
                totalSeconds: double(e["totaltime"]), stepSeconds: double(e["relativetime"]), logCode: e["log_code"])
        }
    }

    static func dataFiles(_ root: BTSXMLElement, asked: [BTSChannelAddress]) throws(BTSError) -> [BTSDataFileInfo] {
        try pair(listItems(root, tag: "chl"), with: asked, command: "inquiredf").map { a, e in
            BTSDataFileInfo(channel: a, testID: int(e["testid"]) ?? 0, rowCount: int(e["count"]) ?? 0,
                            complete: e.text.lowercased() == "true")
        }
    }

    static func detailPage(_ root: BTSXMLElement, channel: BTSChannelAddress, scale: BTSUnitScale)
        throws(BTSError) -> BTSDetailPage {
        let head = root.child("download")
        var rows: [BTSDetailRow] = []
        for e in listItems(root, tag: "data") {
            guard let seq = int(e["seqid"]), let step = int(e["stepid"]), let t = double(e["testtime"]),
                  let v = double(e["volt"]), let i = double(e["curr"]) else {
                throw .unexpectedReply(command: "download", reason: "a <data> row lacks seqid, stepid, testtime, volt or curr: \(e.rendered())")
            }
            rows.append(BTSDetailRow(seqid: seq, stepID: step, cycleID: int(e["cycleid"]) ?? 0, stepType: e["steptype"] ?? "",
                                     testTime: t / 1000, absoluteTime: e["atime"] ?? "", volts: v, amperes: scale.toSI(i),
                                     ampereHours: scale.toSI(double(e["cap"]) ?? 0), wattHours: scale.toSI(double(e["eng"]) ?? 0)))
        }
        return BTSDetailPage(channel: channel, testID: int(head?["testid"]) ?? 0, rows: rows)
    }

    static func stepLayer(_ root: BTSXMLElement, channel: BTSChannelAddress, scale: BTSUnitScale)
        throws(BTSError) -> BTSStepLayer {
        let head = root.child("downloadStepLayer")
        var steps: [BTSStepLayerRow] = []
        for e in listItems(root, tag: "data") {
            guard let s = int(e["startseqid"]), let end = int(e["endseqid"]), let id = int(e["stepid"]) else {
                throw .unexpectedReply(command: "downloadStepLayer", reason: "a <data> step lacks startseqid, endseqid or stepid")
            }
            steps.append(BTSStepLayerRow(
                startSeqid: s, endSeqid: end, stepIndex: int(e["stepindex"]) ?? steps.count + 1, stepID: id,
                cycleID: int(e["cycleid"]) ?? 0, stepType: e["steptype"] ?? "", stepTime: (double(e["steptime"]) ?? 0) / 1000,
                endAbsoluteTime: e["endatime"] ?? "", startVolts: double(e["startvolt"]) ?? .nan,
                endVolts: double(e["endvolt"]) ?? .nan, startAmperes: scale.toSI(double(e["startcurr"]) ?? 0),
                endAmperes: scale.toSI(double(e["endcurr"]) ?? 0), ampereHours: scale.toSI(double(e["cap"]) ?? 0),
                wattHours: scale.toSI(double(e["eng"]) ?? 0)))
        }
        return BTSStepLayer(channel: channel, testID: int(head?["testid"]) ?? 0, steps: steps)
    }

    static func double(_ s: String?) -> Double? {
        guard let s else { return nil }
        return Double(s.trimmingCharacters(in: .whitespaces))
    }

    static func int(_ s: String?) -> Int? {
        guard let s = s?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let i = Int(s) { return i }
        if let d = Double(s), d.isFinite, d == d.rounded(), abs(d) < 9e15 { return Int(d) }
        return nil
    }
}
