/// A TOML date, time or date-time, kept as its components and its original text.
///
/// Nothing in echemd does date arithmetic on configuration values, so this deliberately is not a
/// `Foundation.Date`: a local date or time has no instant, and keeping the fields as written
/// loses nothing (not even fractional digits beyond nanoseconds). Equality compares the text as
/// written too, so `07:32:00Z` and `07:32:00+00:00` are different values here.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    /// Which of TOML's four date-time forms this is; the same as the `TOMLValue` case holding it.
    public enum Kind: String, Sendable, Hashable {
        case offsetDateTime = "offset date-time"
        case localDateTime = "local date-time"
        case localDate = "local date"
        case localTime = "local time"
    }

    public var kind: Kind
    /// Date fields; 0 for a local time.
    public var year: Int, month: Int, day: Int
    /// Time fields; 0 for a local date. `second` may be 60 (a leap second, as RFC 3339 allows).
    public var hour: Int, minute: Int, second: Int
    /// The fractional-second digits exactly as written (`"5"` for `.5`), `""` when there are none.
    public var fraction: String
    /// Minutes east of UTC for an offset date-time (`Z` is 0), nil for the local kinds.
    public var offsetMinutes: Int?
    /// The value as written in the file (`1979-05-27 07:32:00z` stays lower-case with a space).
    public var text: String

    public init(kind: Kind, year: Int = 0, month: Int = 0, day: Int = 0, hour: Int = 0, minute: Int = 0,
                second: Int = 0, fraction: String = "", offsetMinutes: Int? = nil, text: String) {
        self.kind = kind
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.fraction = fraction
        self.offsetMinutes = offsetMinutes
        self.text = text
    }

    /// The RFC 3339 form: upper-case `T` separator, `Z` for a zero offset, fraction as written.
    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        let time = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" + (fraction.isEmpty ? "" : ".\(fraction)")
        switch kind {
        case .localDate: return date
        case .localTime: return time
        case .localDateTime: return "\(date)T\(time)"
        case .offsetDateTime:
            let minutes = offsetMinutes ?? 0
            if minutes == 0 { return "\(date)T\(time)Z" }
            let sign = minutes < 0 ? "-" : "+"
            return "\(date)T\(time)\(sign)\(pad(abs(minutes) / 60, 2)):\(pad(abs(minutes) % 60, 2))"
        }
    }
}
