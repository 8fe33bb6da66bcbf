import Foundation

/// Typed replies of the BTS API. Currents, capacities and energies are SI (A, Ah, Wh), converted
/// with the configured `BTSUnitScale`; times are seconds; positive current charges the cell.

/// A channel's work state (`getchlstatus` text, `inquire@workstatus`).
public enum BTSWorkStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    case working, stop, finish, protect, pause
    /// v1.19 adds `synCtrl`, `ligth` (sic), `waitTimeOut`, `waitStart`; kept as written.
    case other(String)

    public init(_ text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "working": self = .working
        case "stop": self = .stop
        case "finish": self = .finish
        case "protect": self = .protect
        case "pause": self = .pause
        default: self = .other(text)
        }
    }

    public var description: String {
        switch self {
        case .working: return "working"
        case .stop: return "stop"
        case .finish: return "finish"
        case .protect: return "protect"
        case .pause: return "pause"
        case .other(let s): return s
        }
    }

    /// `start` is accepted only from these (aurora-neware's `allowed_states`).
    public var acceptsStart: Bool { self == .finish || self == .stop || self == .protect }
    /// A test is in progress (running or paused) and may still produce rows.
    public var isActive: Bool { self == .working || self == .pause }
}

/// One channel's answer to a write command (`start`, `stop`, `light`, `continue`, `goto`,
/// `setpause`, `cancelpause`, `clearflag`): the element text, `ok` on success.
public struct BTSChannelResult: Sendable, Hashable {
    public var channel: BTSChannelAddress
    public var text: String
    public var isOK: Bool { text.lowercased() == "ok" || text.lowercased() == "true" }

    public init(channel: BTSChannelAddress, text: String) {
        self.channel = channel
        self.text = text
    }
}

/// `getdevinfo`: the database server and every channel the BTS Client knows.
public struct BTSDeviceInfo: Sendable, Hashable {
    public struct Channel: Sendable, Hashable {
        public var address: BTSChannelAddress
        /// The element text (`true`/`false`), read as "can light".
        public var available: Bool
    }

    public var serverIP: String?
    public var serverPort: Int?
    public var clientVersion: String?
    public var channels: [Channel]

    public func channel(pipeline: String) -> BTSChannelAddress? {
        channels.first { $0.address.pipeline == pipeline }?.address
    }
}

/// `getchlstatus`: one channel's state. The address is the one asked for: real replies sometimes
/// name another sub-device (quirk 2), so replies are matched to requests by order.
public struct BTSChannelStatus: Sendable, Hashable {
    public var channel: BTSChannelAddress
    public var status: BTSWorkStatus
    /// A reserved pause (`setpause`) is pending.
    public var reservePause: Bool
    /// The address the reply itself named (may differ in `subdevid`).
    public var reportedChannel: BTSChannelAddress?
}

/// `inquire`: the real-time view of one channel (no fresher than 5 s on a real BTS).
public struct BTSRealtime: Sendable, Hashable {
    public var channel: BTSChannelAddress
    /// `dev="27-21-1-2-0"` as reported.
    public var dev: String?
    public var status: BTSWorkStatus
    /// Step-file `Step_ID` in progress; nil when idle (`step_type="--"`).
    public var stepID: Int?
    /// `cycle_id` as reported.
    public var cycleID: Int?
    /// `cc`, `dc`, `cccv`, `rest`, …; nil when idle.
    public var stepType: String?
    public var barcode: String?
    public var volts: Double?
    public var amperes: Double?
    /// Step capacity and energy (magnitudes, Ah and Wh).
    public var ampereHours: Double?
    public var wattHours: Double?
    /// `totaltime` and `relativetime` (test and step time), seconds.
    public var totalSeconds: Double?
    public var stepSeconds: Double?
    public var logCode: String?
}

/// `inquiredf`: the latest (or asked) test of a channel and how many detail rows it has.
public struct BTSDataFileInfo: Sendable, Hashable {
    public var channel: BTSChannelAddress
    public var testID: Int
    public var rowCount: Int
    /// All rows uploaded (false while the test runs).
    public var complete: Bool
}

/// One detail row of `download`, in SI.
public struct BTSDetailRow: Sendable, Hashable, Codable {
    /// 1-based, per test, without gaps.
    public var seqid: Int
    /// Step-file `Step_ID` the row was taken in.
    public var stepID: Int
    /// Cycle counter as `download` reports it: from 0 (quirk 4).
    public var cycleID: Int
    public var stepType: String
    /// Test time, s (`testtime` is ms on the wire).
    public var testTime: Double
    /// `atime` as written (`YYYY-MM-DD hh:mm:ss`, the BTS machine's local time).
    public var absoluteTime: String
    public var volts: Double
    /// Signed: positive charges.
    public var amperes: Double
    /// Step capacity and energy so far, magnitudes (Ah, Wh).
    public var ampereHours: Double
    public var wattHours: Double

    public init(seqid: Int, stepID: Int, cycleID: Int, stepType: String, testTime: Double, absoluteTime: String,
                volts: Double, amperes: Double, ampereHours: Double, wattHours: Double) {
        self.seqid = seqid
        self.stepID = stepID
        self.cycleID = cycleID
        self.stepType = stepType
        self.testTime = testTime
        self.absoluteTime = absoluteTime
        self.volts = volts
        self.amperes = amperes
        self.ampereHours = ampereHours
        self.wattHours = wattHours
    }
}

/// One `download` reply: the test id the BTS resolved (`testid="0"` asks for the latest) and rows.
public struct BTSDetailPage: Sendable, Hashable {
    public var channel: BTSChannelAddress
    public var testID: Int
    public var rows: [BTSDetailRow]
}

/// One step of `downloadStepLayer` (cycle ids from 1 here, quirk 4).
public struct BTSStepLayerRow: Sendable, Hashable, Codable {
    public var startSeqid: Int
    public var endSeqid: Int
    /// Sequential step number within the test.
    public var stepIndex: Int
    /// Step-file `Step_ID`.
    public var stepID: Int
    public var cycleID: Int
    public var stepType: String
    /// Step duration, s (`steptime` is ms).
    public var stepTime: Double
    public var endAbsoluteTime: String
    public var startVolts: Double
    public var endVolts: Double
    public var startAmperes: Double
    public var endAmperes: Double
    public var ampereHours: Double
    public var wattHours: Double
}

public struct BTSStepLayer: Sendable, Hashable {
    public var channel: BTSChannelAddress
    public var testID: Int
    public var steps: [BTSStepLayerRow]
}
