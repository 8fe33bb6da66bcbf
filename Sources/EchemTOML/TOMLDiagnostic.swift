/// One finding about a TOML file, located to the line and column it is about: a syntax error, or
/// a semantic one found by `TOMLReader` (missing key, wrong type, unknown key, bad choice).
public struct TOMLDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var filename: String
    public var location: TOMLLocation
    public var severity: Severity
    public var message: String
    /// What would have been accepted; printed in parentheses after the message.
    public var expected: String?

    public init(filename: String, location: TOMLLocation, severity: Severity, message: String, expected: String? = nil) {
        self.filename = filename
        self.location = location
        self.severity = severity
        self.message = message
        self.expected = expected
    }

    /// `FILE:LINE:COL: error: MESSAGE (expected EXPECTED)`
    public var description: String {
        let tail = expected.map { " (expected \($0))" } ?? ""
        return "\(filename):\(location.line):\(location.column): \(severity.rawValue): \(message)\(tail)"
    }
}
