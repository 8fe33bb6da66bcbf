import EchemCore

/// What one MethodSCRIPT instrument model can do: its firmware prefix (the `t` reply starts with
/// it), line speed, potential and current envelope, current ranges, whether it has a galvanostat
/// and an FRA, and the `set_pgstat_mode` numbers its scripts use.
///
/// Figures are the vendor's published envelopes, rounded to what a script may command; give your
/// own profile (or narrower `ChannelCapabilities`) when a cell must be kept inside tighter limits.
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

    public init(name: String, firmwarePrefix: String, baud: Int, minVolts: Double, maxVolts: Double,
                maxAbsCurrent: Double, currentRanges: [CurrentRange], galvanostat: Bool, minHz: Double?, maxHz: Double?,
                lowSpeedMode: Int = 2, highSpeedMode: Int = 3, galvanostaticMode: Int? = 6) {
        self.name = name
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

    /// PalmSens Nexus: ±10 V, ±1 A, 100 pA … 1 A, galvanostat, EIS 10 µHz – 1 MHz, 921600 baud.
    public static let nexus = MethodSCRIPTProfile(
        name: "Nexus", firmwarePrefix: "nexus1", baud: 921_600, minVolts: -10, maxVolts: 10, maxAbsCurrent: 1,
        currentRanges: [(16, 1e-10), (0, 1e-9), (1, 1e-8), (2, 1e-7), (3, 1e-6), (4, 1e-5), (5, 1e-4), (8, 1e-3),
                        (9, 1e-2), (10, 0.1), (11, 1)].map { CurrentRange(index: $0.0, amperes: $0.1) },
        galvanostat: true, minHz: 1e-5, maxHz: 1e6)

    /// PalmSens EmStat4 HR: ±6 V, ±100 mA, 100 nA … 100 mA, galvanostat, EIS 10 µHz – 200 kHz.
    public static let emStat4HR = MethodSCRIPTProfile(
        name: "EmStat4 HR", firmwarePrefix: "es4_hr", baud: 921_600, minVolts: -6, maxVolts: 6, maxAbsCurrent: 0.1,
        currentRanges: [(9, 1e-7), (12, 1e-6), (15, 1e-5), (18, 1e-4), (21, 1e-3), (24, 1e-2), (27, 0.1)]
            .map { CurrentRange(index: $0.0, amperes: $0.1) },
        galvanostat: true, minHz: 1e-5, maxHz: 2e5)

    /// PalmSens EmStat4 LR: ±3 V, ±10 mA, 1 nA … 10 mA, galvanostat, EIS 10 µHz – 200 kHz.
    public static let emStat4LR = MethodSCRIPTProfile(
        name: "EmStat4 LR", firmwarePrefix: "es4_lr", baud: 921_600, minVolts: -3, maxVolts: 3, maxAbsCurrent: 0.01,
        currentRanges: [(3, 1e-9), (6, 1e-8), (9, 1e-7), (12, 1e-6), (15, 1e-5), (18, 1e-4), (21, 1e-3), (24, 1e-2)]
            .map { CurrentRange(index: $0.0, amperes: $0.1) },
        galvanostat: true, minHz: 1e-5, maxHz: 2e5)

    /// PalmSens EmStat Pico module: −1.7 … +2 V, ±5 mA (high-speed ranges), potentiostat only,
    /// EIS 10 µHz – 200 kHz, 230400 baud.
    public static let emStatPico = MethodSCRIPTProfile(
        name: "EmStat Pico", firmwarePrefix: "espico", baud: 230_400, minVolts: -1.7, maxVolts: 2, maxAbsCurrent: 0.005,
        currentRanges: [(128, 1e-7), (129, 1e-6), (130, 6e-6), (131, 1.3e-5), (132, 2.5e-5), (133, 5e-5), (134, 1e-4),
                        (135, 2e-4), (136, 1e-3), (137, 5e-3)].map { CurrentRange(index: $0.0, amperes: $0.1) },
        galvanostat: false, minHz: 1e-5, maxHz: 2e5)

    public static let all: [MethodSCRIPTProfile] = [.nexus, .emStat4HR, .emStat4LR, .emStatPico]

    /// The profile whose prefix starts a firmware version line (without the leading `t`).
    public static func matching(firmware: String) -> MethodSCRIPTProfile? {
        all.first { firmware.hasPrefix($0.firmwarePrefix) }
    }

    /// By firmware prefix or name, case-insensitively (`nexus1`, `nexus`, `es4_hr`).
    public static func named(_ name: String) -> MethodSCRIPTProfile? {
        let n = name.lowercased()
        return all.first { $0.firmwarePrefix == n || $0.name.lowercased().replacingOccurrences(of: " ", with: "") == n
            || $0.name.lowercased() == n || ($0.firmwarePrefix.hasPrefix(n) && n.count >= 4) }
    }
}
