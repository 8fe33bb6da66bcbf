import EchemCore

/// One thing in a program that a Neware step file cannot carry, located so the daemon can
/// refuse the job at submit time with the protocol file's line and column.
public struct NewareCompileProblem: Sendable, Hashable, CustomStringConvertible {
    /// The program step (or loop) id, nil for program-wide problems.
    public var stepID: Int?
    public var label: String?
    /// The id is a loop's, not a step's.
    public var isLoop: Bool
    public var location: SourceLocation
    public var reason: String

    public init(stepID: Int?, label: String?, isLoop: Bool = false, location: SourceLocation, reason: String) {
        self.stepID = stepID
        self.label = label
        self.isLoop = isLoop
        self.location = location
        self.reason = reason
    }

    /// `FILE:LINE:COL: error: step 3 'lithiate': cannot run on a Neware tester: REASON`
    public var description: String {
        var what = ""
        if let id = stepID { what = (isLoop ? "loop" : "step") + " \(id)" + (label.map { " '\($0)'" } ?? "") + ": " }
        else if let label { what = "'\(label)': " }
        return "\(location): error: \(what)cannot run on a Neware tester: \(reason)"
    }
}

/// Every problem found in one pass, in program order.
public struct NewareCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var program: String
    public var problems: [NewareCompileProblem]

    public init(program: String, problems: [NewareCompileProblem]) {
        self.program = program
        self.problems = problems
    }

    public var description: String {
        "\(program): \(problems.count) part(s) cannot be expressed as a Neware step file\n"
            + problems.map(\.description).joined(separator: "\n")
    }
}
