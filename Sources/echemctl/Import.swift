import ArgumentParser
import EchemCore
import EchemImport
import EchemStore
import Foundation

/// `echemctl import`: store a Neware BTSDA or LANDdt export as a finished run.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a Neware BTSDA (CSV/XLSX) or LANDdt (CSV/XLSX) export into a store as one finished run.",
        discussion: """
        The format is found from the header row (and the file's ZIP signature for .xlsx). Units are \
        read from the column names (A/mA/uA, V/mV, Ah/mAh, Wh/mWh, seconds or h:mm:ss); current is \
        stored with + = charge whatever sign the export used; cycles count from 1. The whole file is \
        stored in one transaction: on any error nothing is stored, and the error names \
        FILE:LINE:COLUMN. Afterwards `echemctl export RUN --db DB --bdf OUT.csv` works on the run.

        Examples:
          echemctl import cell07.csv --db runs.sqlite
          echemctl import LAND_A12.xlsx --db runs.sqlite --name "A12 formation"
          echemctl import old.csv --db runs.sqlite --format neware-csv --current-unit mA --time-zone Asia/Shanghai
        """
    )

    @Argument(help: ArgumentHelp("The export to read (.csv or .xlsx).", discussion: "Example: cell07.csv"))
    var file: String

    @Option(help: ArgumentHelp("The SQLite store to write (created if missing).", discussion: "Example: --db runs.sqlite"))
    var db: String

    @Option(help: ArgumentHelp("The run's name (default: the file name without extension).",
                               discussion: "Example: --name \"A12 formation\""))
    var name: String?

    @Option(help: ArgumentHelp("Read the file as this layout instead of detecting it: neware-csv, neware-xlsx, land-csv or land-xlsx.",
                               discussion: "Example: --format land-csv"))
    var format: String?

    @Option(name: .customLong("current-unit"),
            help: ArgumentHelp("Unit of a current column whose header names none: A or mA.",
                               discussion: "Example: --current-unit mA"))
    var currentUnit: String?

    @Option(name: .customLong("time-zone"),
            help: ArgumentHelp("Zone the tester PC wrote date-times in (IANA name; default UTC).",
                               discussion: "Example: --time-zone Europe/Berlin"))
    var timeZone = "UTC"

    func run() async throws {
        var options = ImportOptions(name: name)
        if let format {
            guard let parsed = VendorFormat(rawValue: format) else {
                throw ValidationError("--format \(format): expected one of \(VendorFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.format = parsed
        }
        if let currentUnit {
            guard let parsed = CurrentUnit(rawValue: currentUnit) ?? CurrentUnit.allCases.first(where: {
                $0.rawValue.lowercased() == currentUnit.lowercased() }) else {
                throw ValidationError("--current-unit \(currentUnit): expected A or mA")
            }
            options.currentUnit = parsed
        }
        guard let zone = TimeZone(identifier: timeZone) else {
            throw ValidationError("--time-zone \(timeZone): not an IANA zone name (e.g. UTC, Europe/Berlin, Asia/Shanghai)")
        }
        options.timeZone = zone

        let store = try RunStore(path: db)
        let imported: ImportedRun
        do {
            imported = try VendorImporter.importFile(path: file, into: store, options: options)
        } catch let error as ImportError {
            writeToStandardError("error: \(error)")
            throw ExitCode(1)
        }
        let cycles = Set(imported.samples.map(\.cycle)).count
        print("imported \(file) as run \(imported.info.id.uuidString.lowercased()) into \(db): "
              + "\(imported.format.rawValue), \(imported.rowCount) rows, \(imported.steps.count) steps, \(cycles) cycles")
        for note in imported.notes { print("  note: \(note)") }
    }
}

private func writeToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
