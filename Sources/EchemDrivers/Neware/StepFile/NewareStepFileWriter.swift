import Foundation

/// Writes a `NewareStepTable` as the step-file XML the BTS Client reads (the layout
/// aurora-unicycler writes and BTS 8.0 accepts, research §1.6): voltage in 0.1 mV, current in
/// mA, time in ms, capacity in mA·s; CRLF line ends for the Windows machine.
public enum NewareStepFileWriter {
    /// The client version the layout was taken from; BTS reads the `version="17"` layout.
    public static let clientVersion = "BTS Client 8.0.0.478(2024.06.24)(R3)"

    /// - Parameters:
    ///   - date: written as `YYYYMMDDhhmmss` (UTC); pass a fixed one for reproducible files.
    ///   - guid: the file's `Guid`; a new UUID when nil.
    public static func xml(_ table: NewareStepTable, date: Date = Date(), guid: String? = nil) -> String {
        let root = BTSXMLElement("root", children: [config(table, date: date, guid: guid ?? UUID().uuidString.lowercased())])
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n" + root.pretty()
    }

    static func config(_ t: NewareStepTable, date: Date, guid: String) -> BTSXMLElement {
        var head: [BTSXMLElement] = [
            value("Operate", "66"), value("Scale", "1"),
            BTSXMLElement("Start_Step", attributes: [.init("Value", "\(t.startStep)"), .init("Hide_Ctrl_Step", "0")]),
            value("Creator", t.creator), value("Remark", t.remark),
            // 103: currents given in mA rather than as C-rates (aurora-unicycler's choice).
            value("RateType", "103"),
        ]
        if let q = t.nominalCapacityAh { head.append(value("MultCap", BTSNumberFormat.stepValue(q * 1000 * 3600))) }
        let steps = t.steps.map(stepElement)
        return BTSXMLElement("config", attributes: [
            .init("type", "Step File"), .init("version", "17"), .init("client_version", clientVersion),
            .init("date", stamp(date)), .init("Guid", guid),
        ], children: [
            BTSXMLElement("Head_Info", children: head),
            BTSXMLElement("Whole_Prt", children: [protectElement(t.protection), recordElement(t.record)]),
            BTSXMLElement("Step_Info", attributes: [.init("Num", "\(t.steps.count)")], children: steps),
            BTSXMLElement("SMBUS", children: [BTSXMLElement("SMBUS_Info", attributes: [.init("Num", "0"), .init("AdjacentInterval", "0")])]),
        ])
    }

    static func stepElement(_ s: NewareStep) -> BTSXMLElement {
        var el = BTSXMLElement("Step\(s.id)", attributes: [.init("Step_ID", "\(s.id)"), .init("Step_Type", "\(s.type.rawValue)")])
        switch s.type {
        case .end, .pause:
            return el
        case .cycle:
            el.children = [BTSXMLElement("Limit", children: [BTSXMLElement("Other", children: [
                value("Start_Step", "\(s.cycleStart ?? 1)"), value("Cycle_Count", "\(s.cycleCount ?? 1)"),
            ])])]
            return el
        default:
            var main: [BTSXMLElement] = []
            if let i = s.current { main.append(value("Curr", mA(i))) }
            if let v = s.voltage { main.append(value("Volt", tenthMillivolts(v))) }
            if let t = s.time { main.append(value("Time", ms(t))) }
            if let v = s.stopVoltage { main.append(value("Stop_Volt", tenthMillivolts(v))) }
            if let i = s.stopCurrent { main.append(value("Stop_Curr", mA(i))) }
            if let q = s.stopCapacity { main.append(value("Cap", mAs(q))) }
            el.children = [BTSXMLElement("Limit", children: [BTSXMLElement("Main", children: main)])]
            if let p = s.protection, !p.isEmpty { el.children.append(protectElement(p)) }
            return el
        }
    }

    static func protectElement(_ p: NewareProtection) -> BTSXMLElement {
        var volt = BTSXMLElement("Volt")
        if let v = p.maxVolts { volt.children.append(value("Upper", tenthMillivolts(v))) }
        if let v = p.minVolts { volt.children.append(value("Lower", tenthMillivolts(v))) }
        var curr = BTSXMLElement("Curr")
        if let i = p.maxAmperes { curr.children.append(value("Upper", mA(i))) }
        if let i = p.minAmperes { curr.children.append(value("Lower", mA(i))) }
        var main = BTSXMLElement("Main", children: [volt, curr])
        if let d = p.delay, d > 0 { main.children.append(value("Delay_Time", ms(d))) }
        var cap = BTSXMLElement("Cap")
        if let q = p.maxCapacity { cap.children.append(value("Upper", mAs(q))) }
        main.children.append(cap)
        return BTSXMLElement("Protect", children: [main])
    }

    static func recordElement(_ r: NewareRecordRule) -> BTSXMLElement {
        var main = BTSXMLElement("Main")
        if let t = r.seconds { main.children.append(value("Time", ms(t))) }
        if let v = r.deltaVolts { main.children.append(value("Volt", tenthMillivolts(v))) }
        if let i = r.deltaAmperes { main.children.append(value("Curr", mA(i))) }
        return BTSXMLElement("Record", children: [main])
    }

    static func value(_ name: String, _ v: String) -> BTSXMLElement { BTSXMLElement(name, attributes: [.init("Value", v)]) }

    // Step-file units.
    static func tenthMillivolts(_ volts: Double) -> String { BTSNumberFormat.stepValue(volts * 10_000) }
    static func mA(_ amperes: Double) -> String { BTSNumberFormat.stepValue(amperes * 1000) }
    static func ms(_ seconds: Double) -> String { BTSNumberFormat.stepValue(seconds * 1000) }
    static func mAs(_ ampereHours: Double) -> String { BTSNumberFormat.stepValue(ampereHours * 3_600_000) }

    static func stamp(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d%02d%02d%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
