/// A TOML value. Composite values hold `TOMLNode`s, so every element and every table entry keeps
/// its own source location.
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case offsetDateTime(TOMLDateTime)
    case localDateTime(TOMLDateTime)
    case localDate(TOMLDateTime)
    case localTime(TOMLDateTime)
    /// A `[...]` array, or an array of tables (`[[name]]`); since TOML 1.0 elements may mix types.
    case array([TOMLNode])
    /// A `[header]` table, a table made by dotted keys, or an inline `{...}` table.
    case table(TOMLTable)
}

extension TOMLValue {
    /// What kind of value this is, with an article, for messages: "a string", "an integer", ….
    public var typeDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .offsetDateTime: "an offset date-time"
        case .localDateTime: "a local date-time"
        case .localDate: "a local date"
        case .localTime: "a local time"
        case .array: "an array"
        case .table(let t): t.isInline ? "an inline table" : "a table"
        }
    }

    /// The type and a short rendering of the value ("a string \"five\"", "an integer 5"), so a
    /// type error shows what was actually written.
    var summary: String {
        switch self {
        case .string(let s):
            let shown = s.unicodeScalars.count > 40 ? String(String.UnicodeScalarView(s.unicodeScalars.prefix(40))) + "…" : s
            return "a string \(TOMLKeyPath.quoted(shown))"
        case .integer(let i): return "an integer \(i)"
        case .float(let d): return "a float \(d)"
        case .boolean(let b): return "a boolean \(b)"
        case .offsetDateTime(let d), .localDateTime(let d), .localDate(let d), .localTime(let d):
            return "\(typeDescription) \(d.text)"
        case .array(let a): return a.isEmpty ? "an empty array" : "an array of \(a.count)"
        case .table: return typeDescription
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// A float, or an integer converted to a float (configs write `5` where `5.0` is meant).
    public var doubleValue: Double? {
        switch self {
        case .float(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    /// Any of the four date-time kinds.
    public var dateTimeValue: TOMLDateTime? {
        switch self {
        case .offsetDateTime(let d), .localDateTime(let d), .localDate(let d), .localTime(let d): d
        default: nil
        }
    }

    public var arrayValue: [TOMLNode]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var tableValue: TOMLTable? {
        if case .table(let t) = self { return t }
        return nil
    }
}
