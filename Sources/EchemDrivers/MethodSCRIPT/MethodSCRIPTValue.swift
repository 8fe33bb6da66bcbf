/// One variable of a data package, both ways:
///
///     <type:2><value:7 hex><prefix:1>[,<meta>]*     e.g.  ba48D503Dp,10,288
///
/// The value is offset binary, `int(hex, 16) − 2²⁷`, times the prefix's factor; NaN is the type
/// followed by `     nan`. Metadata: `1` + one hex digit = status bits, `2` + two hex digits =
/// the current (or potential) range index, which is device specific.
public struct MethodSCRIPTValue: Sendable, Hashable, CustomStringConvertible {
    /// Status bits of a measured value.
    public struct Status: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let timingError = Status(rawValue: 0x1)
        public static let overload = Status(rawValue: 0x2)
        public static let underload = Status(rawValue: 0x4)
        public static let overloadWarning = Status(rawValue: 0x8)

        public var names: [String] {
            var out: [String] = []
            if contains(.timingError) { out.append("timing error") }
            if contains(.overload) { out.append("overload") }
            if contains(.underload) { out.append("underload") }
            if contains(.overloadWarning) { out.append("overload warning") }
            return out
        }
    }

    public var type: MethodSCRIPTVariableType
    /// The signed integer carried on the wire (nil for NaN).
    public var mantissa: Int?
    public var prefix: MethodSCRIPTPrefix
    public var status: Status?
    public var range: Int?

    /// 2²⁷: the offset of the 7-hex-digit field, and the bound of the mantissa (exclusive).
    public static let offset = 1 << 27

    /// The value in SI units (NaN when the device sent `nan`).
    public var value: Double {
        guard let mantissa else { return .nan }
        // Dividing by an exact power of ten rounds once: 3600000 µ is 3.6, not 3.5999999999999996.
        let f = prefix.factor
        return f < 1 ? Double(mantissa) / (1 / f).rounded() : Double(mantissa) * f
    }

    public init(type: MethodSCRIPTVariableType, mantissa: Int?, prefix: MethodSCRIPTPrefix,
                status: Status? = nil, range: Int? = nil) {
        self.type = type
        self.mantissa = mantissa
        self.prefix = prefix
        self.status = status
        self.range = range
    }

    /// `value` (SI) with the finest prefix that keeps the mantissa inside ±2²⁷, as the device
    /// does (the worked example −0.499905 V is `7F85F3Fu`, not nano, which would overflow).
    /// `integer: true` sends a whole number with the `i` prefix. Infinite values and integers too
    /// large for the window are sent as NaN.
    public init(type: MethodSCRIPTVariableType, value: Double, integer: Bool = false,
                status: Status? = nil, range: Int? = nil) {
        self.type = type
        self.status = status
        self.range = range
        if integer {
            let r = value.rounded()
            if r.isFinite, abs(r) < Double(Self.offset) {
                mantissa = Int(r)
                prefix = .integer
            } else {
                mantissa = nil
                prefix = .none
            }
            return
        }
        guard value.isFinite else {
            mantissa = nil
            prefix = .none
            return
        }
        if value == 0 {
            mantissa = 0
            prefix = .none
            return
        }
        for p in MethodSCRIPTPrefix.finestFirst {
            let scaled = (value / p.factor).rounded()
            if abs(scaled) < Double(Self.offset) {
                mantissa = Int(scaled)
                prefix = p
                return
            }
        }
        mantissa = nil
        prefix = .none
    }

    /// The bytes on the wire, without the `;` separator.
    public var encoded: String {
        var out = type.code
        if let mantissa {
            out += Self.hex(mantissa + Self.offset, digits: 7)
            out.append(prefix.rawValue)
        } else {
            out += "     nan"
        }
        if let status { out += ",1" + Self.hex(status.rawValue & 0xF, digits: 1) }
        if let range { out += ",2" + Self.hex(range & 0xFF, digits: 2) }
        return out
    }

    public var description: String {
        var s = "\(type.code)=\(value)\(type.unit.isEmpty ? "" : " " + type.unit)"
        if let status, !status.isEmpty { s += " [\(status.names.joined(separator: ", "))]" }
        if let range { s += " range \(range)" }
        return s
    }

    /// Reads one `;`-separated field of a `P` line.
    public init(parsing field: Substring) throws(MethodSCRIPTFormatError) {
        let parts = field.split(separator: ",", omittingEmptySubsequences: false)
        let head = Array(parts[0].utf8)
        guard head.count == 10 else {
            throw .init(field: String(field), reason: "a value is 2 type letters, 7 hex digits and 1 SI prefix "
                        + "(10 characters, e.g. `da7F85F3Fu`), or the type and `     nan`; got \(head.count) characters")
        }
        let code = String(decoding: head[0..<2], as: UTF8.self)
        guard let type = MethodSCRIPTVariableType(code: code) else {
            throw .init(field: String(field), reason: "`\(code)` is not a variable type (two lowercase letters, e.g. da, ba)")
        }
        self.type = type
        let body = String(decoding: head[2..<10], as: UTF8.self)
        if body == "     nan" {
            mantissa = nil
            prefix = .none
        } else {
            let digits = String(decoding: head[2..<9], as: UTF8.self)
            guard let raw = Int(digits, radix: 16), digits.utf8.allSatisfy({ Self.isHexDigit($0) }) else {
                throw .init(field: String(field), reason: "`\(digits)` is not 7 hexadecimal digits")
            }
            guard let p = MethodSCRIPTPrefix(rawValue: Character(UnicodeScalar(head[9]))) else {
                throw .init(field: String(field), reason: "`\(Character(UnicodeScalar(head[9])))` is not an SI prefix "
                            + "(one of \(MethodSCRIPTPrefix.validCharacters))")
            }
            mantissa = raw - Self.offset
            prefix = p
        }
        status = nil
        range = nil
        for meta in parts.dropFirst() {
            let m = Array(meta.utf8)
            if m.count == 2, m[0] == UInt8(ascii: "1"), let s = Int(String(meta.dropFirst()), radix: 16) {
                status = Status(rawValue: s)
            } else if m.count == 3, m[0] == UInt8(ascii: "2"), let r = Int(String(meta.dropFirst()), radix: 16),
                      Self.isHexDigit(m[1]), Self.isHexDigit(m[2]) {
                range = r
            } else {
                throw .init(field: String(field), reason: "metadata `\(meta)` is neither a status (`1` + 1 hex digit) "
                            + "nor a range (`2` + 2 hex digits)")
            }
        }
    }

    static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
            || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
    }

    static func hex(_ value: Int, digits: Int) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}

/// A reply the device sent that does not follow the MethodSCRIPT format: what was wrong, and
/// what would have been valid.
public struct MethodSCRIPTFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "malformed MethodSCRIPT reply `\(MethodSCRIPTText.visible(field))`: \(reason)" }
}

/// Text of the wire, shown so that control characters and binary garbage stay readable in a log.
enum MethodSCRIPTText {
    static func visible<S: StringProtocol>(_ text: S, limit: Int = 120) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value > 0x7E:
                out += "\\x" + MethodSCRIPTValue.hex(Int(scalar.value), digits: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > limit { out += "…" }
        return out
    }
}
