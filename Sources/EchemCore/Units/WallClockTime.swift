import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock date-times as instruments write them (`YYYY-MM-DD hh:mm:ss(.fff)`, also with `/`
/// between the date parts or `T` before the time), read in the instrument computer's time zone.
public enum WallClockTime {
    /// Unix seconds, or nil when the text is not such a date-time (seconds may be left out).
    public static func unixSeconds(_ text: String, zone: TimeZone) -> Double? {
        var fields: [Substring] = []
        var rest = Substring(text)
        // Split on - / space T : and keep a fractional second on the last field.
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber || $0 == "." }
            guard !digits.isEmpty else { return nil }
            fields.append(digits)
            rest = rest.dropFirst(digits.count)
            guard let sep = rest.first else { break }
            guard "-/ T:".contains(sep) else { return nil }
            rest = rest.drop { "-/ T:".contains($0) }
        }
        guard fields.count == 6 || fields.count == 5,
              let year = Int(fields[0]), (1970...9999).contains(year),
              let month = Int(fields[1]), (1...12).contains(month),
              let day = Int(fields[2]), (1...31).contains(day),
              let hour = Int(fields[3]), (0...23).contains(hour),
              let minute = Int(fields[4]), (0...59).contains(minute) else { return nil }
        var second = 0.0
        if fields.count == 6 {
            guard let s = Double(fields[5]), s >= 0, s < 61 else { return nil }
            second = s
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = 0
        return unixSeconds(wall: Double(timegm(&parts)) + second, zone: zone)
    }

    /// Unix seconds of a wall-clock reading in `zone`, given as seconds since 1970-01-01 00:00
    /// of that wall clock.
    public static func unixSeconds(wall: Double, zone: TimeZone) -> Double {
        wall - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
    }
}
