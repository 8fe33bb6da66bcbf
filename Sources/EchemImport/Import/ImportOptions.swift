import EchemCore
import Foundation

/// How to read an export. Everything is optional: the format is found from the header.
public struct ImportOptions: Sendable {
    /// Skip detection and read the file as this layout.
    public var format: VendorFormat?
    /// The run's protocol name (default: the file name without extension).
    public var name: String?
    /// For a header whose current column names no unit.
    public var currentUnit: CurrentUnit?
    /// The tester PC's zone, in which date-time columns are written (default UTC).
    public var timeZone: TimeZone

    public init(format: VendorFormat? = nil, name: String? = nil, currentUnit: CurrentUnit? = nil,
                timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.format = format
        self.name = name
        self.currentUnit = currentUnit
        self.timeZone = timeZone
    }
}

/// A file read and interpreted, ready to store (or stored, when it comes from `importFile`).
public struct ImportedRun: Sendable {
    public var info: RunInfo
    public var format: VendorFormat
    /// Data rows read (header, preamble and blank lines not counted).
    public var rowCount: Int
    public var samples: [Sample]
    public var steps: [StepRecord]
    /// The provenance event first ("imported from FILE (format, N rows)"), then one per note.
    public var events: [RunEvent]
    /// Every interpretation made (sign of discharge current, cycle shift, integrated capacity, …).
    public var notes: [String]
    /// Test time of the last sample (s).
    public var endTestTime: Double
}
