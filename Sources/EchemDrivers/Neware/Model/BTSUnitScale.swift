/// The unit a BTS Client reports current, capacity and energy in (research §1.5 quirk 6).
///
/// The API document says A/Ah/Wh, and aurora-neware's captures from a BTS 8.0 coin-cell bench
/// look like that; Vanguard-1 calibrated another installation against BTSDA exports and found
/// mA/mAh/mWh. The scale follows a setting of the BTS Client, so it is configuration, never a
/// guess. Voltage is always volts; times are ms in detail data.
public enum BTSUnitScale: String, Sendable, Hashable, Codable, CaseIterable {
    /// A, Ah, Wh.
    case amperes = "A"
    /// mA, mAh, mWh.
    case milliamperes = "mA"

    /// Reported value per SI value (A → wire).
    public var factor: Double {
        switch self {
        case .amperes: return 1
        case .milliamperes: return 1000
        }
    }

    /// A reported current, capacity or energy in SI (A, Ah, Wh).
    @inlinable public func toSI(_ reported: Double) -> Double {
        self == .amperes ? reported : reported / 1000
    }

    /// An SI current, capacity or energy as the client reports it.
    @inlinable public func fromSI(_ si: Double) -> Double {
        self == .amperes ? si : si * 1000
    }

    /// Parses `A`, `mA` (also `amperes`, `milliamperes`), case-insensitively.
    public init?(name: String) {
        switch name.lowercased() {
        case "a", "amperes", "amp", "ampere": self = .amperes
        case "ma", "milliamperes", "milliampere": self = .milliamperes
        default: return nil
        }
    }
}
