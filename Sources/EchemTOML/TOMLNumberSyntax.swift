/// TOML's integer and float literals: the digit, underscore, sign, prefix and leading-zero rules,
/// and the conversion to `Int64` and `Double`.
///
/// A pure function of the token's bytes, so each rule is checked in one place and a failure can
/// point at the exact offending character.
enum TOMLNumberSyntax {
    struct Failure: Error {
        var message: String
        /// Byte offset in the token (the token is ASCII, so also a column offset).
        var offset: Int
    }

    /// Bytes that can be part of a number token; the token is then validated as a whole, so
    /// `1_000x` is reported as a bad number rather than as `1_000` followed by junk.
    static func isTokenByte(_ b: UInt8) -> Bool {
        TOMLByte.isBareKey(b) || b == TOMLByte.dot || b == TOMLByte.plus
    }

    static func value(of token: [UInt8]) -> Result<TOMLValue, Failure> {
        let text = String(decoding: token, as: UTF8.self)
        let n = token.count
        var i = 0
        var negative = false
        if n > 0, token[0] == TOMLByte.plus || token[0] == TOMLByte.minus {
            negative = token[0] == TOMLByte.minus
            i = 1
        }
        let body = token[i...]
        if body.elementsEqual("inf".utf8) { return .success(.float(negative ? -.infinity : .infinity)) }
        if body.elementsEqual("nan".utf8) { return .success(.float(negative ? -Double.nan : .nan)) }

        if n - i >= 2, token[i] == UInt8(ascii: "0"), let (radix, name) = prefixed(token[i + 1]) {
            if i == 1 {
                return .failure(Failure(message: "\(name) integers cannot have a sign: '\(text)'", offset: 0))
            }
            return radixInteger(token, from: i + 2, radix: radix, name: name)
        }

        // Decimal integer or float: int-part [. frac] [e exp].
        let intEnd = digitRun(token, from: i)
        if let f = checkGroup(token, i..<intEnd, text: text, part: "number") { return .failure(f) }
        if token[i] == UInt8(ascii: "0") && intEnd - i > 1 {
            return .failure(Failure(message: "leading zeros are not allowed in '\(text)'", offset: i))
        }
        var j = intEnd
        var isFloat = false
        if j < n && token[j] == TOMLByte.dot {
            isFloat = true
            let end = digitRun(token, from: j + 1)
            if let f = checkGroup(token, (j + 1)..<end, text: text, part: "fraction after '.'") { return .failure(f) }
            j = end
        }
        if j < n && (token[j] == UInt8(ascii: "e") || token[j] == UInt8(ascii: "E")) {
            isFloat = true
            j += 1
            if j < n && (token[j] == TOMLByte.plus || token[j] == TOMLByte.minus) { j += 1 }
            let end = digitRun(token, from: j)
            if let f = checkGroup(token, j..<end, text: text, part: "exponent") { return .failure(f) }
            j = end
        }
        if j < n {
            let what = String(decoding: [token[j]], as: UTF8.self)
            return .failure(Failure(message: "unexpected '\(what)' in the number '\(text)'", offset: j))
        }
        let cleaned = String(decoding: token.filter { $0 != TOMLByte.underscore }, as: UTF8.self)
        if isFloat {
            guard let d = Double(cleaned) else {
                return .failure(Failure(message: "'\(text)' is not a valid float", offset: 0))
            }
            return .success(.float(d))
        }
        guard let v = Int64(cleaned) else {
            return .failure(Failure(message: "the integer \(text) does not fit in 64 bits (\(Int64.min) to \(Int64.max))", offset: 0))
        }
        return .success(.integer(v))
    }

    private static func prefixed(_ b: UInt8) -> (UInt64, String)? {
        switch b {
        case UInt8(ascii: "x"): (16, "hexadecimal")
        case UInt8(ascii: "o"): (8, "octal")
        case UInt8(ascii: "b"): (2, "binary")
        default: nil
        }
    }

    /// End of the run of digits and underscores starting at `from`.
    private static func digitRun(_ token: [UInt8], from: Int) -> Int {
        var k = from
        while k < token.count, TOMLByte.isDigit(token[k]) || token[k] == TOMLByte.underscore { k += 1 }
        return k
    }

    /// A digit group must be non-empty, and each `_` must sit between two digits.
    private static func checkGroup(_ token: [UInt8], _ range: Range<Int>, text: String, part: String) -> Failure? {
        if range.isEmpty {
            return Failure(message: "expected digits in the \(part) of '\(text)'", offset: range.lowerBound)
        }
        for k in range where token[k] == TOMLByte.underscore {
            if k == range.lowerBound || k == range.upperBound - 1 || token[k + 1] == TOMLByte.underscore {
                return Failure(message: "each '_' in a number must be between two digits: '\(text)'", offset: k)
            }
        }
        return nil
    }

    private static func radixInteger(_ token: [UInt8], from start: Int, radix: UInt64, name: String) -> Result<TOMLValue, Failure> {
        let text = String(decoding: token, as: UTF8.self)
        guard start < token.count else {
            return .failure(Failure(message: "expected \(name) digits after '\(text)'", offset: start))
        }
        var value: UInt64 = 0
        for k in start..<token.count {
            let b = token[k]
            if b == TOMLByte.underscore {
                if k == start || k == token.count - 1 || token[k + 1] == TOMLByte.underscore {
                    return .failure(Failure(message: "each '_' in a number must be between two digits: '\(text)'", offset: k))
                }
                continue
            }
            guard let d = TOMLByte.hexValue(b), UInt64(d) < radix else {
                let what = String(decoding: [b], as: UTF8.self)
                return .failure(Failure(message: "'\(what)' is not a \(name) digit in '\(text)'", offset: k))
            }
            let (times, o1) = value.multipliedReportingOverflow(by: radix)
            let (sum, o2) = times.addingReportingOverflow(UInt64(d))
            guard !o1, !o2, sum <= UInt64(Int64.max) else {
                return .failure(Failure(message: "the integer \(text) does not fit in 64 bits (at most \(Int64.max))", offset: 0))
            }
            value = sum
        }
        return .success(.integer(Int64(value)))
    }
}
