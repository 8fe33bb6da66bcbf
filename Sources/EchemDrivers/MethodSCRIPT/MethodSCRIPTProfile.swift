import EchemCore

/// What one MethodSCRIPT instrument model can do: its firmware prefix (the `t` reply starts with
/// it), line speed, potential and current envelope, current ranges, whether it has a galvanostat
/// and an FRA, and the `set_pgstat_mode` numbers its scripts use.
///
/// Models are data: `drivers/methodscript/*.toml`, read by `MethodSCRIPTProfileLoader` into a
/// `MethodSCRIPTCatalog`. The shipped files hold the vendor's published envelopes; narrower limits
/// for a cell belong in the channel's hard limits.
public struct MethodSCRIPTProfile: Sendable, Hashable {
    /// A current range: its index in package metadata (`,2XX`) and its full scale (A).
    public struct CurrentRange: Sendable, Hashable {
        public var index: Int
        public var amperes: Double
        public init(index: Int, amperes: Double) {
            self.index = index
            self.amperes = amperes
        }
    }

    public var name: String
    /// The short name a configuration uses (`model = "emstat4-hr"`).
    public var model: String
    /// The start of the firmware version line (`nexus1`, `es4_hr`, `espico`).
    public var firmwarePrefix: String
    public var baud: Int
    public var minVolts: Double
    public var maxVolts: Double
    public var maxAbsCurrent: Double
    /// Ranges, smallest first.
    public var currentRanges: [CurrentRange]
    public var galvanostat: Bool
    /// EIS frequency window (Hz); nil = no FRA.
    public var minHz: Double?
    public var maxHz: Double?
    /// `set_pgstat_mode` numbers: low speed (slow techniques), high speed (EIS), galvanostatic.
    public var lowSpeedMode: Int
    public var highSpeedMode: Int
    public var galvanostaticMode: Int?

    public init(name: String, model: String, firmwarePrefix: String, baud: Int, minVolts: Double, maxVolts: Double,
                maxAbsCurrent: Double, currentRanges: [CurrentRange], galvanostat: Bool, minHz: Double?, maxHz: Double?,
                lowSpeedMode: Int = 2, highSpeedMode: Int = 3, galvanostaticMode: Int? = 6) {
        self.name = name
        self.model = model
        self.firmwarePrefix = firmwarePrefix
        self.baud = baud
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxAbsCurrent = maxAbsCurrent
        self.currentRanges = currentRanges.sorted { $0.amperes < $1.amperes }
        self.galvanostat = galvanostat
        self.minHz = minHz
        self.maxHz = maxHz
        self.lowSpeedMode = lowSpeedMode
        self.highSpeedMode = highSpeedMode
        self.galvanostaticMode = galvanostat ? galvanostaticMode : nil
    }

    /// What the engine may ask of a channel on this instrument.
    public func capabilities(minSamplePeriod: Double) -> ChannelCapabilities {
        var modes: Set<ControlKind> = [.rest, .voltage, .sweep, .operatorPause]
        if galvanostat { modes.insert(.current) }
        if minHz != nil { modes.insert(.eis) }
        return ChannelCapabilities(modes: modes, minVolts: minVolts, maxVolts: maxVolts, maxAbsCurrent: maxAbsCurrent,
                                   minSamplePeriod: minSamplePeriod, eis: minHz != nil, chamber: false,
                                   minHz: minHz, maxHz: maxHz)
    }

    /// The smallest range whose full scale covers `amperes` (the largest if none does).
    public func range(covering amperes: Double) -> CurrentRange {
        currentRanges.first { $0.amperes >= abs(amperes) * (1 - 1e-9) } ?? currentRanges[currentRanges.count - 1]
    }
}
