import Foundation

/// Cell text → values. Each returns nil for text it cannot read; the row reader turns that into
/// a located error. NaN and infinities are refused: they would poison every integral after them.
enum CellParsers {
    static func number(_ text: String, decimalComma: Bool) -> Double? {
        var t = text
        if decimalComma { t = t.replacingOccurrences(of: ",", with: ".") }
        guard let first = t.unicodeScalars.first,
              first == "-" || first == "+" || first == "." || CharacterSet.decimalDigits.contains(first),
              let value = Double(t), value.isFinite else { return nil }
        return value
    }

    /// "3", "3.0" (workbooks store every number as a float) → 3; "3.5" → nil.
    static func integer(_ text: String) -> Int? {
        if let i = Int(text) { return i }
        guard let d = number(text, decimalComma: false), d == d.rounded(), abs(d) < 1e15 else { return nil }
        return Int(d)
    }

    /// Seconds from a plain number (times `factor`) or a clock `h:mm:ss(.s)` with any number of hours.
    static func duration(_ text: String, factor: Double, decimalComma: Bool) -> Double? {
        guard text.contains(":") else { return number(text, decimalComma: decimalComma).map { $0 * factor } }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Int(parts[0]), h >= 0, let m = Int(parts[1]), (0..<60).contains(m),
              let s = number(String(parts[2]), decimalComma: decimalComma), s >= 0, s < 61 else { return nil }
        return Double(h) * 3600 + Double(m) * 60 + s
    }

    /// Unix seconds from `YYYY-MM-DD hh:mm:ss(.fff)` (also `/` between date parts and `T` before
    /// the time), read as wall-clock time in `zone`. A plain number is a workbook serial day
    /// (days since 1899-12-30, as Excel stores dates) below 10⁶, else Unix seconds already.
    static func dateTime(_ text: String, zone: TimeZone, decimalComma: Bool) -> Double? {
        if let n = number(text, decimalComma: decimalComma) {
            if n >= 1_000_000 { return n }
            guard n > 0 else { return nil }
            let wall = (n - 25_569) * 86_400 // serial 25569 = 1970-01-01
            return wall - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
        }
        var fields: [Substring] = []
        var rest = Substring(text)
        // Split on - / space T : and keep a fractional second on the last field.
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber || $0 == "." }
            guard !digits.isEmpty else { return nil }
            fields.append(digits)
            rest = rest.dropFirst(digits.count)
            guard let sep = rest.first else { break }
            guard "-/ T:".contains(sep) else { return nil }
            rest = rest.drop { "-/ T:".contains($0) }
        }
        guard fields.count == 6 || fields.count == 5,
              let year = Int(fields[0]), (1970...9999).contains(year),
              let month = Int(fields[1]), (1...12).contains(month),
              let day = Int(fields[2]), (1...31).contains(day),
              let hour = Int(fields[3]), (0...23).contains(hour),
              let minute = Int(fields[4]), (0...59).contains(minute) else { return nil }
        var second = 0.0
        if fields.count == 6 {
            guard let s = Double(fields[5]), s >= 0, s < 61 else { return nil }
            second = s
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = 0
        let wall = Double(timegm(&parts)) + second
        return wall - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
    }
}
