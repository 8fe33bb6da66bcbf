import EchemDrivers

/// The parts of a request the simulator looks at before and after libmodbus answers it: which
/// table and addresses it reads, and what it writes. Parsed from a whole ADU (RTU: unit first;
/// TCP: the 7-byte MBAP header, unit last), after framing and CRC checks.
struct ModbusPDU: Sendable, Hashable, CustomStringConvertible {
    struct Span: Sendable, Hashable {
        var table: RegisterTable
        var addresses: Range<Int>
    }

    var unit: UInt8
    var function: UInt8
    var read: Span?
    var write: Span?
    /// Words written (FC06, FC16, FC23), for range checks before libmodbus applies them; empty
    /// for coils and for FC22, whose result only exists after it is applied.
    var writtenWords: [UInt16] = []

    /// nil if the ADU is too short to hold the function's fields (libmodbus then answers it).
    init?(adu: [UInt8], headerLength h: Int) {
        guard adu.count > h else { return nil }
        unit = adu[h - 1]
        function = adu[h]
        func u16(_ at: Int) -> Int? { at + 1 < adu.count ? Int(adu[at]) << 8 | Int(adu[at + 1]) : nil }
        switch function {
        case 0x01, 0x02, 0x03, 0x04:
            guard let a = u16(h + 1), let n = u16(h + 3) else { return nil }
            let table: RegisterTable = [0x01: .coil, 0x02: .discrete, 0x03: .holding, 0x04: .input][function]!
            read = Span(table: table, addresses: a..<(a + n))
        case 0x05:
            guard let a = u16(h + 1) else { return nil }
            write = Span(table: .coil, addresses: a..<(a + 1))
        case 0x06:
            guard let a = u16(h + 1), let v = u16(h + 3) else { return nil }
            write = Span(table: .holding, addresses: a..<(a + 1))
            writtenWords = [UInt16(v)]
        case 0x0F:
            guard let a = u16(h + 1), let n = u16(h + 3), adu.count >= h + 6 + (n + 7) / 8 else { return nil }
            write = Span(table: .coil, addresses: a..<(a + n))
        case 0x10:
            guard let a = u16(h + 1), let n = u16(h + 3), adu.count >= h + 6 + 2 * n else { return nil }
            write = Span(table: .holding, addresses: a..<(a + n))
            writtenWords = (0..<n).map { UInt16(u16(h + 6 + 2 * $0)!) }
        case 0x16:
            guard let a = u16(h + 1) else { return nil }
            write = Span(table: .holding, addresses: a..<(a + 1))
        case 0x17:
            guard let ra = u16(h + 1), let rn = u16(h + 3), let wa = u16(h + 5), let wn = u16(h + 7),
                  adu.count >= h + 10 + 2 * wn else { return nil }
            read = Span(table: .holding, addresses: ra..<(ra + rn))
            write = Span(table: .holding, addresses: wa..<(wa + wn))
            writtenWords = (0..<wn).map { UInt16(u16(h + 10 + 2 * $0)!) }
        default:
            break
        }
    }

    var isBroadcast: Bool { unit == 0 }

    /// `unit 1 FC03 holding 507…509`
    var description: String {
        func span(_ s: Span) -> String {
            s.addresses.count == 1 ? "\(s.table.rawValue) \(s.addresses.lowerBound)"
                : "\(s.table.rawValue) \(s.addresses.lowerBound)…\(s.addresses.upperBound - 1)"
        }
        let hex = String(function, radix: 16, uppercase: true)
        var text = "unit \(unit) FC\(hex.count == 1 ? "0" : "")\(hex)"
        if let r = read { text += " read \(span(r))" }
        if let w = write { text += " write \(span(w))" }
        return text
    }
}
