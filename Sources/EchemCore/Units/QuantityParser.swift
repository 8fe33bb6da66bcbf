import Foundation

/// Why a quantity string could not be read.
public enum QuantityParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case missingNumber(String)
    case notFinite(String)
    case unknownUnit(String)
    case unexpectedBasis(unit: String, word: String)

    public var description: String {
        switch self {
        case .empty: return "empty quantity"
        case .missingNumber(let t): return "'\(t)' has no number"
        case .notFinite(let t): return "'\(t)' is not a finite number"
        case .unknownUnit(let u): return "unknown unit '\(u)'"
        case .unexpectedBasis(let u, let w): return "'\(w)' after '\(u)' (only mA/g and mAh/g units name a mass basis)"
        }
    }
}

/// Reads quantity strings: `140 mA/g`, `0.1 mV/s`, `C/10`, `0.2C`, `1e6 Hz`, `4.2V`, `-3 V`, `mA/g sulfur`.
public enum QuantityParser {
    /// Parse `text`. `temperatureContext` lets a bare `C` after a number mean °C (`60 C`), which
    /// elsewhere is a C-rate.
    public static func parse(_ text: String, temperatureContext: Bool = false) -> Result<Quantity, QuantityParseError> {
        let t = text.trimmingWhitespace()
        guard !t.isEmpty else { return .failure(.empty) }
        if let q = parseCRate(t, temperatureContext: temperatureContext) { return .success(q) }

        let scalars = Array(t.unicodeScalars)
        guard let (number, end) = scanNumber(scalars, from: 0) else {
            return .failure(.missingNumber(t))
        }
        let i = end
        guard number.isFinite else { return .failure(.notFinite(t)) }
        let rest = String(String.UnicodeScalarView(scalars[i...])).trimmingWhitespace()
        if rest.isEmpty { return .success(Quantity(number, .dimensionless, text: t)) }

        // Split "mA/g sulfur" into the unit and a trailing word.
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let unitText = words[0]
        let basis = words.count > 1 ? words[1...].joined(separator: " ") : nil

        if temperatureContext, unitText == "C" || unitText == "°C" || unitText == "℃" {
            if let b = basis { return .failure(.unexpectedBasis(unit: unitText, word: b)) }
            return .success(Quantity(number, .temperature, text: t))
        }
        guard let def = UnitCatalog.lookup(unitText) else { return .failure(.unknownUnit(unitText)) }
        if let b = basis, !def.dimension.takesMassBasis {
            return .failure(.unexpectedBasis(unit: unitText, word: b))
        }
        let si = scaled(Array(t.unicodeScalars)[0..<end], number, def)
        guard si.isFinite else { return .failure(.notFinite(t)) }
        return .success(Quantity(si, def.dimension, basis: basis, text: t))
    }

    /// The SI value; a power-of-ten factor is applied in decimal (10 µA is exactly 1e-5 A, not 9.999…e-6).
    static func scaled(_ numberText: ArraySlice<Unicode.Scalar>, _ number: Double, _ def: UnitDefinition) -> Double {
        let k = log10(def.factor)
        guard def.offset == 0, k == k.rounded(), abs(k) <= 30 else { return number * def.factor + def.offset }
        var text = String(String.UnicodeScalarView(numberText)).replacingOccurrences(of: "\u{2212}", with: "-")
        var exponent = Int(k)
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let written = Int(text[text.index(after: e)...]), abs(written) < 10_000 else { return number * def.factor }
            exponent += written
            text = String(text[..<e])
        }
        return Double("\(text)e\(exponent)") ?? number * def.factor
    }

    /// `C`, `C/10`, `-C/3`, `0.2C`, `2 C`, `2C/3`; in a temperature context `60 C` is not a rate.
    static func parseCRate(_ t: String, temperatureContext: Bool) -> Quantity? {
        var s = Array(t.unicodeScalars.filter { $0 != " " && $0 != "\t" })
        guard !s.isEmpty else { return nil }
        var sign = 1.0
        if s[0] == "-" || s[0] == "+" { if s[0] == "-" { sign = -1 }; s.removeFirst() }
        guard let cIndex = s.firstIndex(of: "C") else { return nil }
        var numerator = 1.0
        if cIndex > 0 {
            guard let (n, end) = scanNumber(Array(s[0..<cIndex]), from: 0), end == cIndex else { return nil }
            numerator = n
            if temperatureContext { return nil }
        }
        var denominator = 1.0
        let after = s[(cIndex + 1)...]
        if !after.isEmpty {
            guard after.first == "/" else { return nil }
            let den = Array(after.dropFirst())
            guard let (d, end) = scanNumber(den, from: 0), end == den.count else { return nil }
            denominator = d
        }
        guard denominator != 0 else { return nil }
        let v = sign * numerator / denominator
        guard v.isFinite else { return nil }
        return Quantity(v, .cRate, text: t.trimmingWhitespace())
    }

    /// A decimal number with optional sign and exponent; returns the value and the index after it.
    static func scanNumber(_ s: [Unicode.Scalar], from start: Int) -> (Double, Int)? {
        var i = start
        var text = ""
        if i < s.count, s[i] == "-" || s[i] == "+" || s[i] == "\u{2212}" {
            text += s[i] == "+" ? "" : "-"; i += 1
        }
        var digits = 0
        while i < s.count, ("0"..."9").contains(s[i]) { text.unicodeScalars.append(s[i]); i += 1; digits += 1 }
        if i < s.count, s[i] == "." {
            text += "."; i += 1
            while i < s.count, ("0"..."9").contains(s[i]) { text.unicodeScalars.append(s[i]); i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        // exponent only when followed by digits (so "2e" stays a number plus a unit)
        if i < s.count, s[i] == "e" || s[i] == "E" {
            var j = i + 1
            var exp = "e"
            if j < s.count, s[j] == "-" || s[j] == "+" { exp.unicodeScalars.append(s[j]); j += 1 }
            var expDigits = 0
            while j < s.count, ("0"..."9").contains(s[j]) { exp.unicodeScalars.append(s[j]); j += 1; expDigits += 1 }
            if expDigits > 0 { text += exp; i = j }
        }
        guard let v = Double(text) else { return nil }
        return (v, i)
    }
}

extension String {
    /// Trim spaces, tabs and newlines at both ends (Foundation-free).
    public func trimmingWhitespace() -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s.removeFirst() }
        while let l = s.last, ws.contains(l) { s.removeLast() }
        return String(s)
    }
}
