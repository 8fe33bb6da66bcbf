/// Turns a parsed table into typed configuration, reporting every problem as a located
/// diagnostic and never stopping at the first one.
///
/// ```swift
/// var r = TOMLReader(table, filename: "echemd.toml")
/// for var ch in r.tables("channels") {
///     let id = ch.string("id")                              // required
///     let vmax = ch.double("max_volts", default: nil)       // optional; 5 is read as 5.0
///     let kind = ch.choice("driver", among: ["sim-cycler", "modbus"])
///     ch.rejectUnknownKeys()
/// }
/// r.rejectUnknownKeys()
/// for d in r.diagnostics { print(d) }   // echemd.toml:12:1: error: channels[2]: missing required key 'id' (expected a string)
/// ```
///
/// Accessors are `mutating` because the reader records which keys were asked for, which is how
/// `rejectUnknownKeys()` knows the valid ones without a second list; hand a reader to a helper
/// function as `inout`. Readers for sub-tables share this reader's `collector`, so all
/// diagnostics of a load end up in one list with nothing to merge. A failed read returns nil (or
/// the default) after reporting, so the caller can keep going.
public struct TOMLReader: Sendable {
    public let table: TOMLTable
    public let filename: String
    /// Key path of `table` for messages, like `channels[2].limits`; empty for the root.
    public let path: String
    public let collector: TOMLDiagnosticCollector
    /// The keys asked for so far (present or not), in order: the valid keys of this table.
    public private(set) var knownKeys: [String] = []

    public init(_ table: TOMLTable, filename: String, path: String = "",
                collector: TOMLDiagnosticCollector = TOMLDiagnosticCollector()) {
        self.table = table
        self.filename = filename
        self.path = path
        self.collector = collector
    }

    /// All diagnostics reported through this reader's collector, nested readers' included.
    public var diagnostics: [TOMLDiagnostic] { collector.diagnostics }
    public var hasErrors: Bool { collector.hasErrors }
    /// Where the table is: its header, its `{`, or 1:1 for the root.
    public var location: TOMLLocation { table.location }

    /// `path.key`, as used in messages.
    public func path(of key: String) -> String { TOMLKeyPath.join(path, key) }

    /// The raw node under `key` with its location, or nil; no type check and no diagnostic.
    /// For values the caller interprets itself, e.g. a quantity string like "5 V".
    public mutating func node(_ key: String) -> TOMLNode? {
        noteKnown(key)
        return table[key]
    }

    /// Where `key` itself was written, if present.
    public func keyLocation(_ key: String) -> TOMLLocation? { table.keyLocation(key) }

    public func error(_ message: String, at location: TOMLLocation, expected: String? = nil) {
        collector.report(TOMLDiagnostic(filename: filename, location: location, severity: .error, message: message, expected: expected))
    }

    public func warning(_ message: String, at location: TOMLLocation, expected: String? = nil) {
        collector.report(TOMLDiagnostic(filename: filename, location: location, severity: .warning, message: message, expected: expected))
    }

    /// Reports every key of the table that was not asked for, at the key, with the closest valid
    /// key as a suggestion. Call it after reading all keys of this table.
    public func rejectUnknownKeys() {
        let known = knownKeys
        for key in table.keys where !known.contains(key) {
            let hint = TOMLSpelling.suggestion(for: key, among: known).map { "; did you mean '\($0)'?" } ?? ""
            error("\(prefix)unknown key '\(key)'\(hint)", at: table.keyLocation(key) ?? table.location,
                  expected: known.isEmpty ? "no keys here" : "one of: \(known.joined(separator: ", "))")
        }
    }

    // MARK: shared by the accessors

    /// `channels[2]: ` before messages about this table as a whole; nothing at the root.
    var prefix: String { path.isEmpty ? "" : "\(path): " }

    mutating func noteKnown(_ key: String) {
        if !knownKeys.contains(key) { knownKeys.append(key) }
    }

    /// The value under `key` converted by `convert`; reports a missing required key (at the
    /// table) or a value of the wrong type (at the value).
    mutating func read<T>(_ key: String, required: Bool, expected: String, _ convert: (TOMLValue) -> T?) -> T? {
        guard let node = node(key) else {
            if required {
                error("\(prefix)missing required key '\(key)'", at: table.location, expected: expected)
            }
            return nil
        }
        guard let v = convert(node.value) else {
            typeMismatch(path(of: key), node, expected: expected)
            return nil
        }
        return v
    }

    func typeMismatch(_ what: String, _ node: TOMLNode, expected: String) {
        error("\(what): expected \(expected), found \(node.value.summary)", at: node.location)
    }
}
