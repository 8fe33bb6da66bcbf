import Foundation

/// Builds one JSON object as text, keys in the order written. The socket writes thousands of
/// small documents a second; building text directly keeps key order readable for humans
/// watching with `socat` and costs a fraction of `JSONEncoder`.
struct JSONWriter {
    private(set) var text = "{"
    private var first = true

    init() {}

    private mutating func key(_ k: String) {
        if !first { text += "," }
        first = false
        JSONWriter.appendString(k, to: &text)
        text += ":"
    }

    mutating func add(_ k: String, _ v: String?) {
        key(k)
        if let v { JSONWriter.appendString(v, to: &text) } else { text += "null" }
    }

    mutating func add(_ k: String, _ v: Double?) {
        key(k)
        JSONWriter.appendNumber(v, to: &text)
    }

    mutating func add(_ k: String, _ v: Int?) {
        key(k)
        text += v.map(String.init) ?? "null"
    }

    mutating func add(_ k: String, _ v: Int64?) {
        key(k)
        text += v.map { String($0) } ?? "null"
    }

    mutating func add(_ k: String, _ v: Bool) {
        key(k)
        text += v ? "true" : "false"
    }

    mutating func add(_ k: String, _ v: UUID?) { add(k, v.map { $0.uuidString.lowercased() }) }

    /// Already-encoded JSON (an array, an object from `JSONEncoder`).
    mutating func raw(_ k: String, _ json: String) {
        key(k)
        text += json
    }

    mutating func add(_ k: String, strings: [String]) {
        key(k)
        text += "["
        for (i, s) in strings.enumerated() {
            if i > 0 { text += "," }
            JSONWriter.appendString(s, to: &text)
        }
        text += "]"
    }

    func finished() -> String { text + "}" }

    static func appendNumber(_ v: Double?, to out: inout String) {
        // JSON has no NaN or infinity; an unknown value (no thermocouple) is null.
        guard let v, v.isFinite else { out += "null"; return }
        if v == v.rounded(), abs(v) < 1e15 { out += String(Int64(v)) } else { out += "\(v)" }
    }

    static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
