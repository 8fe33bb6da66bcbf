import EchemCore

/// One finding about a protocol file, located to the line and column it is about.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// What would have been accepted, shown in parentheses.
    public var expected: String?

    public init(severity: Severity, location: SourceLocation, message: String, expected: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.expected = expected
    }

    public static func error(_ location: SourceLocation, _ message: String, expected: String? = nil) -> Diagnostic {
        Diagnostic(severity: .error, location: location, message: message, expected: expected)
    }

    public static func warning(_ location: SourceLocation, _ message: String, expected: String? = nil) -> Diagnostic {
        Diagnostic(severity: .warning, location: location, message: message, expected: expected)
    }

    /// `FILE:LINE:COL: error: WHAT (expected …)`
    public var description: String {
        let tail = expected.map { " (expected \($0))" } ?? ""
        return "\(location): \(severity.rawValue): \(message)\(tail)"
    }
}

/// How to compile: the cell and channel to compile against, and a CI cap on loop counts.
public struct CompileOptions: Sendable {
    /// Overrides the file's `cell:` header.
    public var cell: CellMetadata?
    /// When given, currents, voltages, power, modes, sample period and frequencies are checked against it.
    public var capabilities: ChannelCapabilities?
    /// Caps every counted loop's count, every repeat's max_passes and every cycle event's cycle
    /// numbers (for CI runs); never edits the file.
    public var loopCountCap: Int?

    public init(cell: CellMetadata? = nil, capabilities: ChannelCapabilities? = nil, loopCountCap: Int? = nil) {
        self.cell = cell
        self.capabilities = capabilities
        self.loopCountCap = loopCountCap
    }
}

/// The compiled program, or why there is none.
public struct CompileResult: Sendable {
    /// nil when there are errors, or when relative units need a cell and none is given.
    public var program: StepProgram?
    public var diagnostics: [Diagnostic]
    /// Relative units (C-rate, mA/g, mA/cm²) need a cell and none was given; warnings say which.
    public var needsCell: Bool
    /// The cell compiled against: `CompileOptions.cell`, else the file's `cell:` header (also when
    /// `program` is nil, so a caller can refine it and compile again).
    public var cell: CellMetadata?
    /// The file's `description:` text, shown by `explain`.
    public var protocolDescription: String?
    /// The file's `job:` header, if any (the daemon's queue reads it).
    public var job: JobTarget?

    public init(program: StepProgram?, diagnostics: [Diagnostic], needsCell: Bool, cell: CellMetadata? = nil,
                protocolDescription: String? = nil, job: JobTarget? = nil) {
        self.job = job
        self.program = program
        self.diagnostics = diagnostics
        self.needsCell = needsCell
        self.cell = cell
        self.protocolDescription = protocolDescription
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
