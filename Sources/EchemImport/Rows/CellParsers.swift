import EchemCore
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
            return WallClockTime.unixSeconds(wall: (n - 25_569) * 86_400, zone: zone)   // serial 25569 = 1970-01-01
        }
        return WallClockTime.unixSeconds(text, zone: zone)
    }
}
