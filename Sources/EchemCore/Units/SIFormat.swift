import Foundation

/// Shows SI values the way a scientist writes them: `110.8 µA`, `2.5 mAh`, `0.7917 mg`, `2 h 30 min`.
public enum SIFormat {
    static let prefixes: [(exponent: Int, symbol: String)] = [
        (-12, "p"), (-9, "n"), (-6, "µ"), (-3, "m"), (0, ""), (3, "k"), (6, "M"), (9, "G"),
    ]

    /// Units that take no SI prefix when shown.
    static let unprefixed: Set<String> = ["°C", "C", "", "g/g", "cm³/mol", "cm²", "%"]

    /// `value` in `unit` (an SI symbol such as "A", "Ah", "V/s"), with the prefix that puts the
    /// mantissa in [1, 1000) and `significant` digits, trailing zeros dropped.
    public static func format(_ value: Double, unit: String, significant: Int = 4) -> String {
        guard value.isFinite else { return "\(value) \(unit)" }
        if unit == "g" { return mass(value) }
        if unit == "s" { return duration(value) }
        if unprefixed.contains(unit) || value == 0 {
            return join(number(value, significant: significant), unit)
        }
        let exp = Int(floor(log10(abs(value)) / 3)) * 3
        let clamped = min(9, max(-12, exp))
        let symbol = prefixes.first { $0.exponent == clamped }?.symbol ?? ""
        var mantissa = value / pow(10, Double(clamped))
        // rounding can carry to 1000 (999.97 µA -> 1000 µA): move up one prefix
        if abs(Double(number(mantissa, significant: significant)) ?? mantissa) >= 1000, clamped < 9 {
            mantissa /= 1000
            let up = prefixes.first { $0.exponent == clamped + 3 }?.symbol ?? ""
            return join(number(mantissa, significant: significant), up + unit)
        }
        return join(number(mantissa, significant: significant), symbol + unit)
    }

    /// Masses in mg (the unit every electrode loading uses), g from 1 g up.
    public static func mass(_ grams: Double) -> String {
        if abs(grams) >= 1 { return join(number(grams), "g") }
        if abs(grams) < 1e-6, grams != 0 { return join(number(grams * 1e9), "ng") }
        return join(number(grams * 1e3), "mg")
    }

    /// Durations as `45 s`, `2 h`, `2 h 30 min`, `3 d 4 h`, `1.5 s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "∞" }
        let s = abs(seconds)
        let sign = seconds < 0 ? "-" : ""
        if s < 60 { return sign + join(number(s), "s") }
        if s >= 1e12 { return sign + join(number(s / 86400), "d") }   // beyond Int's reach, and beyond any run
        let total = Int(s.rounded())
        let d = total / 86400, h = (total % 86400) / 3600, m = (total % 3600) / 60, sec = total % 60
        var parts: [String] = []
        if d > 0 { parts.append("\(d) d") }
        if h > 0 { parts.append("\(h) h") }
        if m > 0, d == 0 { parts.append("\(m) min") }
        if sec > 0, d == 0, h == 0 { parts.append("\(sec) s") }
        return sign + (parts.isEmpty ? "0 s" : parts.joined(separator: " "))
    }

    /// A plain number with `significant` digits, no exponent for everyday magnitudes, no trailing zeros.
    public static func number(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e7 || magnitude < 1e-4 {
            return trimExponent(String(format: "%.\(max(0, significant - 1))e", value))
        }
        let digitsBefore = Int(floor(log10(magnitude))) + 1
        let decimals = max(0, significant - digitsBefore)
        // nudge binary near-halves (7.5375 is stored as 7.53749…) to round half away from zero
        let nudged = value + (value < 0 ? -1 : 1) * magnitude * 1e-12
        return trim(String(format: "%.\(decimals)f", nudged))
    }

    static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }

    static func trimExponent(_ s: String) -> String {
        guard let e = s.firstIndex(of: "e") else { return s }
        let mantissa = trim(String(s[..<e]))
        var exp = String(s[s.index(after: e)...])
        let negative = exp.hasPrefix("-")
        exp = String(exp.drop { $0 == "+" || $0 == "-" || $0 == "0" })
        return mantissa + "e" + (negative ? "-" : "") + (exp.isEmpty ? "0" : exp)
    }

    static func join(_ number: String, _ unit: String) -> String {
        unit.isEmpty ? number : "\(number) \(unit)"
    }
}
