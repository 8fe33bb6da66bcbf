/// Why a step file cannot be used, naming the step and field.
public struct NewareStepFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "step file: \(reason)" }
}

/// Reads a Neware step file (the XML `NewareStepFileWriter` writes, or one saved by BTS) into a
/// `NewareStepTable` in SI units.
///
/// Reads bytes, not text: files in the wild declare `encoding="GB2312"` but hold UTF-8, and only
/// free text (remarks) can be non-ASCII, so the declaration is ignored and text is read as UTF-8.
public enum NewareStepFileReader {
    public static func read(_ bytes: [UInt8]) throws(NewareStepFileError) -> NewareStepTable {
        let root: BTSXMLElement
        do { root = try BTSXMLParser.parse(bytes) } catch { throw NewareStepFileError("not readable XML: \(error)") }
        guard let config = root.name == "config" ? root : root.descendants(named: "config").first else {
            throw NewareStepFileError("no <config> element (expected <root><config type=\"Step File\">…)")
        }
        guard let info = config.child("Step_Info") else { throw NewareStepFileError("no <Step_Info> element") }
        var steps: [NewareStep] = []
        for e in info.children where e.name.hasPrefix("Step") {
            steps.append(try step(e))
        }
        guard !steps.isEmpty else { throw NewareStepFileError("<Step_Info> holds no steps") }
        steps.sort { $0.id < $1.id }
        for (k, s) in steps.enumerated() where s.id != k + 1 {
            throw NewareStepFileError("Step_IDs must run 1…\(steps.count) without gaps; found \(s.id) at position \(k + 1)")
        }
        for s in steps where s.type == .cycle {
            guard let start = s.cycleStart, start >= 1, start < s.id else {
                throw NewareStepFileError("step \(s.id) (cycle): Start_Step \(s.cycleStart.map(String.init) ?? "missing") must be a step before it")
            }
            guard let n = s.cycleCount, n >= 1 else {
                throw NewareStepFileError("step \(s.id) (cycle): Cycle_Count \(s.cycleCount.map(String.init) ?? "missing") must be ≥ 1")
            }
        }
        let head = config.child("Head_Info")
        let whole = config.child("Whole_Prt")
        let start = head?.child("Start_Step")?.numericValue.map { Int($0) } ?? 1
        guard start >= 1 && start <= steps.count else {
            throw NewareStepFileError("Head_Info Start_Step \(start) is not a step (1…\(steps.count))")
        }
        return NewareStepTable(
            steps: steps, protection: protection(whole?.child("Protect")) ?? NewareProtection(),
            record: record(whole?.child("Record")), startStep: start,
            nominalCapacityAh: head?.child("MultCap")?.numericValue.map { $0 / 3_600_000 },
            creator: head?.child("Creator")?["Value"] ?? "", remark: head?.child("Remark")?["Value"] ?? "")
    }

    static func step(_ e: BTSXMLElement) throws(NewareStepFileError) -> NewareStep {
        guard let id = e["Step_ID"].flatMap({ Int($0) }) else { throw NewareStepFileError("<\(e.name)> has no numeric Step_ID") }
        guard let code = e["Step_Type"].flatMap({ Int($0) }) else { throw NewareStepFileError("step \(id) has no numeric Step_Type") }
        guard let type = NewareStepType(rawValue: code) else {
            let known = NewareStepType.allCases.map { "\($0.rawValue)" }.joined(separator: ", ")
            throw NewareStepFileError("step \(id): Step_Type \(code) is not one this reader knows (\(known))")
        }
        let main = e.child("Limit")?.child("Main")
        let other = e.child("Limit")?.child("Other")
        func field(_ name: String, per unit: Double) throws(NewareStepFileError) -> Double? {
            guard let f = main?.child(name) else { return nil }
            guard let v = f.numericValue, v.isFinite else {
                throw NewareStepFileError("step \(id): \(name) Value \(f["Value"] ?? "missing") is not a number")
            }
            return v / unit
        }
        var s = NewareStep(id: id, type: type)
        s.current = try field("Curr", per: 1000)
        s.voltage = try field("Volt", per: 10_000)
        s.time = try field("Time", per: 1000)
        s.stopVoltage = try field("Stop_Volt", per: 10_000)
        s.stopCurrent = try field("Stop_Curr", per: 1000)
        s.stopCapacity = try field("Cap", per: 3_600_000)
        s.cycleStart = other?.child("Start_Step")?.numericValue.map { Int($0) }
        s.cycleCount = other?.child("Cycle_Count")?.numericValue.map { Int($0) }
        s.protection = protection(e.child("Protect"))
        return s
    }

    static func protection(_ e: BTSXMLElement?) -> NewareProtection? {
        guard let main = e?.child("Main") else { return nil }
        let p = NewareProtection(
            maxVolts: main.child("Volt")?.child("Upper")?.numericValue.map { $0 / 10_000 },
            minVolts: main.child("Volt")?.child("Lower")?.numericValue.map { $0 / 10_000 },
            maxAmperes: main.child("Curr")?.child("Upper")?.numericValue.map { $0 / 1000 },
            minAmperes: main.child("Curr")?.child("Lower")?.numericValue.map { $0 / 1000 },
            maxCapacity: main.child("Cap")?.child("Upper")?.numericValue.map { $0 / 3_600_000 },
            delay: main.child("Delay_Time")?.numericValue.map { $0 / 1000 })
        return p
    }

    static func record(_ e: BTSXMLElement?) -> NewareRecordRule {
        guard let main = e?.child("Main") else { return NewareRecordRule() }
        let r = NewareRecordRule(seconds: main.child("Time")?.numericValue.map { $0 / 1000 },
                                 deltaVolts: main.child("Volt")?.numericValue.map { $0 / 10_000 },
                                 deltaAmperes: main.child("Curr")?.numericValue.map { $0 / 1000 })
        // A rule with nothing in it would never record: BTS's default is every 1 s.
        return r.seconds == nil && r.deltaVolts == nil && r.deltaAmperes == nil ? NewareRecordRule() : r
    }
}
