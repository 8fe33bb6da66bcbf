/// A run of consecutive rows that the tester logged as one step.
struct RowSpan: Sendable, Hashable {
    var first: Int
    var last: Int

    var indices: ClosedRange<Int> { first...last }
}

/// Splits rows into steps and puts every row on one test-time axis.
enum StepSegmenter {
    /// A new step starts where the step index, cycle or step type changes, or where the step
    /// time goes back (a step repeated by a loop of one). Without any of those columns, where
    /// the current changes between charge, rest and discharge.
    static func spans(_ rows: [VendorRow], header: HeaderBinding) -> [RowSpan] {
        guard !rows.isEmpty else { return [] }
        let byCurrent = header[.step] == nil && header[.stepType] == nil && header[.stepTime] == nil
        var spans: [RowSpan] = []
        var first = 0
        for i in 1..<rows.count {
            let a = rows[i - 1], b = rows[i]
            var boundary = a.step != b.step || a.cycle != b.cycle || a.stepType != b.stepType
            if let ta = a.stepTime, let tb = b.stepTime, tb < ta - 1e-9 { boundary = true }
            if byCurrent, currentClass(a.amperes) != currentClass(b.amperes) { boundary = true }
            if boundary {
                spans.append(RowSpan(first: first, last: i - 1))
                first = i
            }
        }
        spans.append(RowSpan(first: first, last: rows.count - 1))
        return spans
    }

    /// Exports print rest current as 0; anything above a picoampere is flowing.
    static func currentClass(_ amperes: Double) -> Int {
        abs(amperes) <= restCurrent ? 0 : (amperes > 0 ? 1 : -1)
    }

    static let restCurrent = 1e-12

    /// Test time of every row: the test-time column when there is one, else seconds since the
    /// first row's date-time, else step times laid end to end (each step starting where the
    /// previous one's last row was). Fails where time runs backwards.
    static func testTimes(_ rows: [VendorRow], spans: [RowSpan], header: HeaderBinding) throws -> [Double] {
        var times = [Double](repeating: 0, count: rows.count)
        let column: ColumnBinding
        if let testTime = header[.testTime] {
            column = testTime
            for i in rows.indices { times[i] = rows[i].testTime ?? 0 }
        } else if let date = header[.dateTime], let start = rows.first?.unixTime {
            column = date
            for i in rows.indices { times[i] = (rows[i].unixTime ?? start) - start }
        } else if let stepTime = header[.stepTime] {
            column = stepTime
            var base = 0.0
            for span in spans {
                for i in span.indices { times[i] = base + (rows[i].stepTime ?? 0) }
                base = times[span.last]
            }
        } else {
            throw ImportError(origin: rows.first?.origin ?? "", line: header.line, message: "the header has no time column")
        }
        for i in times.indices.dropFirst() where times[i] < times[i - 1] - 1e-6 {
            throw ImportError(origin: rows[i].origin, line: rows[i].line, column: column.column,
                              message: "column '\(column.header)': test time \(format(times[i])) s is before the previous row's "
                              + "\(format(times[i - 1])) s (line \(rows[i - 1].line)); rows must be in time order")
        }
        return times
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
