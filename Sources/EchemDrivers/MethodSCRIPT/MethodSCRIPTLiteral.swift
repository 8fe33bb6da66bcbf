/// Numbers as a script writes them: an integer with an optional SI prefix (`500m`, `-1`, `100k`),
/// or an integer with `i` (`41i`). A bare number is in base units (V, A, s, Hz).
public enum MethodSCRIPTLiteral {
    /// The shortest exact form: the coarsest prefix that leaves an integer mantissa (0.0001 →
    /// `100u`, 86400 → `86400`, 2.5 → `2500m`); a value no prefix makes exact is rounded at the
    /// finest prefix that keeps the mantissa within 32 bits (resolution far below any instrument's).
    public static func format(_ value: Double) -> String {
        precondition(value.isFinite, "a MethodSCRIPT literal must be finite")
        if value == 0 { return "0" }
        let coarsestFirst = MethodSCRIPTPrefix.finestFirst.reversed()
        for p in coarsestFirst {
            let m = value / p.factor
            let r = m.rounded()
            if abs(r) >= 1, abs(r) < 2_147_483_648, abs(m - r) <= 1e-9 * abs(m) {
                return "\(Int(r))" + (p == .none ? "" : String(p.rawValue))
            }
        }
        for p in MethodSCRIPTPrefix.finestFirst {
            let r = (value / p.factor).rounded()
            if abs(r) < 2_147_483_648 { return "\(Int(r))" + (p == .none ? "" : String(p.rawValue)) }
        }
        return value > 0 ? "2147483647E" : "-2147483647E"
    }

    /// A count: `41i`.
    public static func integer(_ value: Int) -> String { "\(value)i" }

    /// Parses a literal: optional sign, decimal digits (or `0x…`/`0b…` hex or binary), then an
    /// optional prefix letter. nil if the text is not a literal.
    public static func parse(_ text: Substring) -> (value: Double, isInteger: Bool)? {
        var s = text
        var sign = 1.0
        if s.first == "-" { sign = -1; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        if s.hasPrefix("0x") || s.hasPrefix("0b") {
            let radix = s.hasPrefix("0x") ? 16 : 2
            var digits = s.dropFirst(2)
            if digits.last == "i" { digits = digits.dropLast() }
            guard !digits.isEmpty, let v = Int(digits, radix: radix) else { return nil }
            return (sign * Double(v), true)
        }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let mantissa = Double(digits) else { return nil }
        let suffix = s.dropFirst(digits.count)
        switch suffix.count {
        case 0: return (sign * mantissa, false)
        case 1:
            guard let p = MethodSCRIPTPrefix(rawValue: suffix.first!), p != .none else { return nil }
            return (sign * mantissa * p.factor, p == .integer)
        default: return nil
        }
    }
}
