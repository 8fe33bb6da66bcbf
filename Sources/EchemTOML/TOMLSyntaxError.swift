/// Why a document is not valid TOML, and where: the parser stops at the first such error, since
/// the rest of a malformed document cannot be read reliably.
public struct TOMLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var filename: String
    public var location: TOMLLocation
    public var message: String

    public init(filename: String, location: TOMLLocation, message: String) {
        self.filename = filename
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: error: MESSAGE`
    public var description: String {
        "\(filename):\(location.line):\(location.column): error: \(message)"
    }

    /// The same error as a diagnostic, to list it with the reader's semantic errors.
    public var diagnostic: TOMLDiagnostic {
        TOMLDiagnostic(filename: filename, location: location, severity: .error, message: message)
    }
}
