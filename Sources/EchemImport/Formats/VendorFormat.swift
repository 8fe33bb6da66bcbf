/// The export layouts `echemctl import` reads.
public enum VendorFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Neware BTSDA CSV export of the record layer (BTSDA 7 and 8 column sets).
    case newareCSV = "neware-csv"
    /// The same table saved by BTSDA as a workbook (sheet named like "record").
    case newareXLSX = "neware-xlsx"
    /// LANDdt raw-data CSV export.
    case landCSV = "land-csv"
    /// LANDdt Excel export (sheet named like "Record", continued on further "Record…" sheets).
    case landXLSX = "land-xlsx"

    public var vendor: TesterVendor { self == .newareCSV || self == .newareXLSX ? .neware : .land }
    public var isWorkbook: Bool { self == .newareXLSX || self == .landXLSX }

    static func of(_ vendor: TesterVendor, workbook: Bool) -> VendorFormat {
        switch vendor {
        case .neware: return workbook ? .newareXLSX : .newareCSV
        case .land: return workbook ? .landXLSX : .landCSV
        }
    }
}

/// Whose tester wrote the file; stored as the run's bench so a listing shows where data came from.
public enum TesterVendor: String, Sendable, Hashable, CaseIterable, Codable {
    case neware, land

    /// The name stored in `RunInfo.bench`.
    public var benchName: String {
        switch self {
        case .neware: return "Neware BTS (imported)"
        case .land: return "LAND (imported)"
        }
    }

    var exportName: String {
        switch self {
        case .neware: return "Neware BTSDA"
        case .land: return "LANDdt"
        }
    }
}
