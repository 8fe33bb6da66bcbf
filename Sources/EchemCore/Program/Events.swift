/// Run a sub-program after chosen cycles end (EIS after cycles 1, 20 and 500; a 12 h rest after cycle 9).
public struct CycleEvent: Sendable, Codable, Hashable {
    /// Cycle indices after which the body runs.
    public var afterCycles: [Int]
    /// Also every N cycles (after cycle N, 2N, …), if set.
    public var everyCycles: Int?
    /// Index into `StepProgram.subroutines`.
    public var body: Int
    public var location: SourceLocation

    public init(afterCycles: [Int], everyCycles: Int? = nil, body: Int, location: SourceLocation = .unknown) {
        self.afterCycles = afterCycles
        self.everyCycles = everyCycles
        self.body = body
        self.location = location
    }

    public func fires(afterCycle cycle: Int) -> Bool {
        if afterCycles.contains(cycle) { return true }
        if let n = everyCycles, n > 0, cycle % n == 0 { return true }
        return false
    }
}

/// Run a sub-program every `intervalSeconds` of step time during the step that carries it
/// (operando EIS every 30 min during a discharge). The step is suspended while the body runs and
/// then continues with its step time, capacity and end conditions where they were.
public struct TimerEvent: Sendable, Codable, Hashable {
    public var intervalSeconds: Double
    public var body: Int
    public var location: SourceLocation

    public init(intervalSeconds: Double, body: Int, location: SourceLocation = .unknown) {
        self.intervalSeconds = intervalSeconds
        self.body = body
        self.location = location
    }
}
