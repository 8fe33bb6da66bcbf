/// Hard limits checked on every sample. A breach that persists for `debounceSeconds` triggers `action`.
/// Per-step limits tighten (never widen) the program's; the channel's own limits bound both.
public struct SafetyLimits: Sendable, Codable, Hashable {
    public var minVolts: Double?
    public var maxVolts: Double?
    /// Largest |I| in A.
    public var maxAbsCurrent: Double?
    /// Largest |step capacity| in Ah.
    public var maxStepCapacity: Double?
    public var minCelsius: Double?
    public var maxCelsius: Double?
    public var maxStepSeconds: Double?
    public var debounceSeconds: Double
    public var action: SafetyAction

    public init(minVolts: Double? = nil, maxVolts: Double? = nil, maxAbsCurrent: Double? = nil,
                maxStepCapacity: Double? = nil, minCelsius: Double? = nil, maxCelsius: Double? = nil,
                maxStepSeconds: Double? = nil, debounceSeconds: Double = 0, action: SafetyAction = .stop) {
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxAbsCurrent = maxAbsCurrent
        self.maxStepCapacity = maxStepCapacity
        self.minCelsius = minCelsius
        self.maxCelsius = maxCelsius
        self.maxStepSeconds = maxStepSeconds
        self.debounceSeconds = debounceSeconds
        self.action = action
    }

    public static let none = SafetyLimits()

    /// The tighter of two limit sets, field by field (the stricter action wins: stop over pause).
    public func tightened(by other: SafetyLimits?) -> SafetyLimits {
        guard let o = other else { return self }
        func lo(_ a: Double?, _ b: Double?) -> Double? { [a, b].compactMap { $0 }.max() }
        func hi(_ a: Double?, _ b: Double?) -> Double? { [a, b].compactMap { $0 }.min() }
        return SafetyLimits(
            minVolts: lo(minVolts, o.minVolts), maxVolts: hi(maxVolts, o.maxVolts),
            maxAbsCurrent: hi(maxAbsCurrent, o.maxAbsCurrent), maxStepCapacity: hi(maxStepCapacity, o.maxStepCapacity),
            minCelsius: lo(minCelsius, o.minCelsius), maxCelsius: hi(maxCelsius, o.maxCelsius),
            maxStepSeconds: hi(maxStepSeconds, o.maxStepSeconds),
            debounceSeconds: min(debounceSeconds, o.debounceSeconds),
            action: (action == .stop || o.action == .stop) ? .stop : .pause)
    }
}

/// What a safety breach does. Both put the output in its safe state (off) first.
public enum SafetyAction: String, Sendable, Codable, Hashable {
    /// Output off, run ends with status `safety_stop`.
    case stop
    /// Output off, run paused with the breach as reason; resume is an operator decision.
    case pause
}

/// Which samples are stored: every `everySeconds`, or sooner when V, I or Q moved by the given
/// deltas since the last stored sample, whichever comes first. Step boundaries are always stored.
public struct RecordingRule: Sendable, Codable, Hashable {
    public var everySeconds: Double?
    public var deltaVolts: Double?
    public var deltaAmperes: Double?
    public var deltaAmpereHours: Double?

    public init(everySeconds: Double? = 1, deltaVolts: Double? = nil, deltaAmperes: Double? = nil,
                deltaAmpereHours: Double? = nil) {
        self.everySeconds = everySeconds
        self.deltaVolts = deltaVolts
        self.deltaAmperes = deltaAmperes
        self.deltaAmpereHours = deltaAmpereHours
    }

    /// Every 1 s, the default the issue names.
    public static let `default` = RecordingRule()
}
