import EchemCore
import EchemTOML

/// Reads of values whose meaning TOML does not know: quantities with units, durations, USB ids.
extension TOMLReader {
    /// A quantity string of `dimension` ("80 V", "500 ms"), in SI; reported at the value if it
    /// is not a string, does not parse, or measures something else.
    mutating func quantity(_ key: String, _ dimension: PhysicalDimension, required: Bool, example: String) -> Double? {
        guard let node = node(key) else {
            if required {
                error("\(prefixText)missing required key '\(key)'", at: location, expected: "a \(dimension.noun) like \"\(example)\"")
            }
            return nil
        }
        guard case .string(let text) = node.value else {
            error("\(path(of: key)): expected a \(dimension.noun) with its unit, found \(node.value.typeDescription)",
                  at: node.location, expected: "a string like \"\(example)\"")
            return nil
        }
        switch QuantityParser.parse(text) {
        case .failure(let why):
            error("\(path(of: key)): \(why)", at: node.location, expected: "a \(dimension.noun) like \"\(example)\"")
            return nil
        case .success(let q) where q.dimension != dimension:
            error("\(path(of: key)): \"\(text)\" is a \(q.dimension.noun), not a \(dimension.noun)", at: node.location,
                  expected: "a \(dimension.noun) like \"\(example)\"")
            return nil
        case .success(let q):
            return q.value
        }
    }

    /// A duration ≥ 0 as `Duration`.
    mutating func duration(_ key: String, default value: Duration?, example: String = "500 ms") -> Duration? {
        guard let node = node(key) else { return value }
        guard let seconds = quantity(key, .time, required: false, example: example) else { return value }
        guard seconds >= 0, seconds <= 3600 else {
            error("\(path(of: key)): \(seconds) s is not a usable timeout", at: node.location, expected: "0 s … 1 h")
            return value
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// An integer within `range`, reported at the value otherwise.
    mutating func int(_ key: String, in range: ClosedRange<Int>, default value: Int?) -> Int? {
        let required = value == nil
        let v = required ? int(key) : int(key, default: value)
        guard let v else { return nil }
        guard range.contains(v) else {
            error("\(path(of: key)): \(v) is out of range", at: node(key)?.location ?? location,
                  expected: "an integer in \(range.lowerBound)…\(range.upperBound)")
            return value
        }
        return v
    }

    /// A 16-bit USB id written as 4 hex digits ("232e") or an integer (0x232e).
    mutating func usbID(_ key: String, required: Bool) -> UInt16?? {
        guard let node = node(key) else {
            if required {
                error("\(prefixText)missing required key '\(key)'", at: location, expected: "4 hex digits like \"232e\"")
                return .none
            }
            return .some(nil)
        }
        switch node.value {
        case .string(let s) where s.count == 4:
            if let v = UInt16(s, radix: 16) { return .some(v) }
        case .integer(let i):
            if let v = UInt16(exactly: i) { return .some(v) }
        default:
            break
        }
        let shown = node.value.stringValue.map { "\"\($0)\"" } ?? node.value.typeDescription
        error("\(path(of: key)): \(shown) is not a USB id", at: node.location, expected: "4 hex digits like \"232e\"")
        return .none
    }

    var prefixText: String { path.isEmpty ? "" : "\(path): " }
}

/// "did you mean" for names the profile defines itself (registers, named values), which the
/// TOML reader's `choice` cannot know in advance.
enum ProfileSpelling {
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let limit = word.count <= 3 ? 1 : max(2, word.count / 3)
        var best: (String, Int)?
        for c in candidates where c != word {
            let d = distance(word.lowercased(), c.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a), t = Array(b)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous = Array(0...t.count)
        var current = previous
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (s[i - 1] == t[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[t.count]
    }

    static func hint(_ word: String, _ candidates: [String]) -> String {
        suggestion(for: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}

/// Numbers in messages: integral values without a trailing ".0".
enum ProfileNumber {
    static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
