/// Values that are a single token: numbers, date-times and the bare words true, false, inf, nan.
///
/// A value starting with a digit may be a number or a date-time; four digits and a '-' start a
/// date, two digits and a ':' a time, anything else is read as a number.
extension TOMLCursor {
    mutating func numberOrDateTime() throws(TOMLSyntaxError) -> TOMLValue {
        if (0..<4).allSatisfy({ TOMLByte.isDigit(peek($0)) }) && peek(4) == TOMLByte.minus {
            return try dateTime()
        }
        if TOMLByte.isDigit(peek(0)) && TOMLByte.isDigit(peek(1)) && peek(2) == TOMLByte.colon {
            let start = pos
            var t = TOMLDateTime(kind: .localTime, text: "")
            try time(into: &t)
            t.text = String(decoding: bytes[start..<pos], as: UTF8.self)
            return .localTime(t)
        }
        let start = pos
        while let b = peek(), TOMLNumberSyntax.isTokenByte(b) { pos += 1 }
        switch TOMLNumberSyntax.value(of: Array(bytes[start..<pos])) {
        case .success(let v):
            return v
        case .failure(let f):
            throw error(f.message, at: start + f.offset)
        }
    }

    /// `true`, `false`, `inf`, `nan`; any other word is an unquoted string, the most common
    /// mistake in hand-written config (`driver = modbus`), so the message says how to fix it.
    mutating func bareWord() throws(TOMLSyntaxError) -> TOMLValue {
        let start = pos
        while let b = peek(), TOMLNumberSyntax.isTokenByte(b) { pos += 1 }
        let word = String(decoding: bytes[start..<pos], as: UTF8.self)
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf": return .float(.infinity)
        case "nan": return .float(.nan)
        default:
            throw error("expected a value, found the bare word '\(word)'; strings must be quoted, as in \"\(word)\"", at: start)
        }
    }

    // MARK: date-times (RFC 3339 as TOML uses it)

    private mutating func dateTime() throws(TOMLSyntaxError) -> TOMLValue {
        let start = pos
        var t = TOMLDateTime(kind: .localDate, text: "")
        t.year = try digits(4, "year")
        try expect(TOMLByte.minus, "between year and month")
        let monthAt = pos
        t.month = try digits(2, "month")
        try expect(TOMLByte.minus, "between month and day")
        let dayAt = pos
        t.day = try digits(2, "day")
        guard (1...12).contains(t.month) else {
            throw error("month \(t.month) is out of range (01 to 12)", at: monthAt)
        }
        let days = Self.daysIn(month: t.month, year: t.year)
        guard (1...days).contains(t.day) else {
            throw error("day \(t.day) is out of range: month \(t.month) of \(t.year) has \(days) days", at: dayAt)
        }

        let sep = peek()
        let hasTime = sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t")
            || (sep == TOMLByte.space && TOMLByte.isDigit(peek(1)) && TOMLByte.isDigit(peek(2)) && peek(3) == TOMLByte.colon)
        if hasTime {
            pos += 1
            try time(into: &t)
            t.kind = .localDateTime
            if let z = peek(), z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") {
                pos += 1
                t.offsetMinutes = 0
                t.kind = .offsetDateTime
            } else if let s = peek(), s == TOMLByte.plus || s == TOMLByte.minus {
                pos += 1
                let hourAt = pos
                let h = try digits(2, "offset hours")
                try expect(TOMLByte.colon, "in the offset")
                let minuteAt = pos
                let m = try digits(2, "offset minutes")
                guard h <= 23 else { throw error("offset hours \(h) are out of range (00 to 23)", at: hourAt) }
                guard m <= 59 else { throw error("offset minutes \(m) are out of range (00 to 59)", at: minuteAt) }
                t.offsetMinutes = (s == TOMLByte.minus ? -1 : 1) * (h * 60 + m)
                t.kind = .offsetDateTime
            }
        }
        t.text = String(decoding: bytes[start..<pos], as: UTF8.self)
        switch t.kind {
        case .offsetDateTime: return .offsetDateTime(t)
        case .localDateTime: return .localDateTime(t)
        case .localDate: return .localDate(t)
        case .localTime: return .localTime(t)
        }
    }

    /// `HH:MM:SS[.fraction]`; TOML 1.0 requires the seconds.
    private mutating func time(into t: inout TOMLDateTime) throws(TOMLSyntaxError) {
        let hourAt = pos
        t.hour = try digits(2, "hour")
        try expect(TOMLByte.colon, "between hour and minute")
        let minuteAt = pos
        t.minute = try digits(2, "minute")
        guard peek() == TOMLByte.colon else {
            throw error("expected ':' and seconds after the minutes, found \(describe(at: pos)); TOML 1.0 times need seconds (HH:MM:SS)", at: pos)
        }
        pos += 1
        let secondAt = pos
        t.second = try digits(2, "second")
        guard t.hour <= 23 else { throw error("hour \(t.hour) is out of range (00 to 23)", at: hourAt) }
        guard t.minute <= 59 else { throw error("minute \(t.minute) is out of range (00 to 59)", at: minuteAt) }
        guard t.second <= 59 || (t.second == 60 && t.minute == 59) else {
            throw error("second \(t.second) is out of range (00 to 59, or 60 for a leap second)", at: secondAt)
        }
        if peek() == TOMLByte.dot {
            pos += 1
            let from = pos
            while TOMLByte.isDigit(peek()) { pos += 1 }
            guard pos > from else {
                throw error("expected digits after the '.' of the seconds, found \(describe(at: pos))", at: pos)
            }
            t.fraction = String(decoding: bytes[from..<pos], as: UTF8.self)
        }
    }

    private mutating func digits(_ count: Int, _ what: String) throws(TOMLSyntaxError) -> Int {
        var v = 0
        for _ in 0..<count {
            guard let b = peek(), TOMLByte.isDigit(b) else {
                throw error("expected \(count) digits for the \(what), found \(describe(at: pos))", at: pos)
            }
            v = v * 10 + Int(b - 0x30)
            pos += 1
        }
        return v
    }

    private mutating func expect(_ b: UInt8, _ whereabouts: String) throws(TOMLSyntaxError) {
        guard peek() == b else {
            throw error("expected '\(Character(Unicode.Scalar(b)))' \(whereabouts), found \(describe(at: pos))", at: pos)
        }
        pos += 1
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
