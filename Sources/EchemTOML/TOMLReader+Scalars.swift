/// Typed reads of single values. Each comes as a required read (missing is an error) and as
/// reads with a default (missing is fine); a value of the wrong type is always an error, after
/// which the default (or nil) is returned.
extension TOMLReader {
    public mutating func string(_ key: String) -> String? {
        read(key, required: true, expected: "a string") { $0.stringValue }
    }

    public mutating func string(_ key: String, default value: String) -> String {
        read(key, required: false, expected: "a string") { $0.stringValue } ?? value
    }

    public mutating func string(_ key: String, default value: String?) -> String? {
        read(key, required: false, expected: "a string") { $0.stringValue } ?? value
    }

    public mutating func int(_ key: String) -> Int? {
        read(key, required: true, expected: "an integer") { $0.integerValue.flatMap { Int(exactly: $0) } }
    }

    public mutating func int(_ key: String, default value: Int) -> Int {
        read(key, required: false, expected: "an integer") { $0.integerValue.flatMap { Int(exactly: $0) } } ?? value
    }

    public mutating func int(_ key: String, default value: Int?) -> Int? {
        read(key, required: false, expected: "an integer") { $0.integerValue.flatMap { Int(exactly: $0) } } ?? value
    }

    /// A float; an integer is accepted too (`max_volts = 5`).
    public mutating func double(_ key: String) -> Double? {
        read(key, required: true, expected: "a number") { $0.doubleValue }
    }

    public mutating func double(_ key: String, default value: Double) -> Double {
        read(key, required: false, expected: "a number") { $0.doubleValue } ?? value
    }

    public mutating func double(_ key: String, default value: Double?) -> Double? {
        read(key, required: false, expected: "a number") { $0.doubleValue } ?? value
    }

    public mutating func bool(_ key: String) -> Bool? {
        read(key, required: true, expected: "true or false") { $0.boolValue }
    }

    public mutating func bool(_ key: String, default value: Bool) -> Bool {
        read(key, required: false, expected: "true or false") { $0.boolValue } ?? value
    }

    public mutating func bool(_ key: String, default value: Bool?) -> Bool? {
        read(key, required: false, expected: "true or false") { $0.boolValue } ?? value
    }

    /// A string that must be one of `choices`; the error lists them and suggests the closest.
    public mutating func choice(_ key: String, among choices: [String]) -> String? {
        choice(key, among: choices, required: true)
    }

    public mutating func choice(_ key: String, among choices: [String], default value: String) -> String {
        choice(key, among: choices, required: false) ?? value
    }

    public mutating func choice(_ key: String, among choices: [String], default value: String?) -> String? {
        choice(key, among: choices, required: false) ?? value
    }

    private mutating func choice(_ key: String, among choices: [String], required: Bool) -> String? {
        let expected = "one of: \(choices.joined(separator: ", "))"
        guard let s = read(key, required: required, expected: expected, { $0.stringValue }) else { return nil }
        guard choices.contains(s) else {
            let hint = TOMLSpelling.suggestion(for: s, among: choices).map { "; did you mean \(TOMLKeyPath.quoted($0))?" } ?? ""
            error("\(path(of: key)): unknown value \(TOMLKeyPath.quoted(s))\(hint)", at: table[key]!.location, expected: expected)
            return nil
        }
        return s
    }
}
