import EchemCore
import EchemStore
import Foundation

/// `echemctl import`: a Neware BTSDA or LANDdt export → one finished run in the store.
public enum VendorImporter {
    /// Reads and interprets `path` without touching any store.
    public static func read(path: String, options: ImportOptions = ImportOptions()) throws -> ImportedRun {
        var source = try ExportFile.open(path: path, format: options.format)
        let vendors = options.format.map { [$0.vendor] } ?? TesterVendor.allCases
        let preferred = ExportFile.vendorHint(path)
        let (header, rows) = try source.rows(vendors: vendors, preferred: preferred, options: options)
        let format = VendorFormat.of(header.vendor, workbook: source.isWorkbook)
        let importUnix = Date().timeIntervalSince1970
        let assembled = try RunAssembler(rows: rows, header: header, origin: source.origin)
            .assemble(importUnix: importUnix)

        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        let name = options.name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let provenance = "imported from \(absolute) (\(format.rawValue), \(rows.count) rows)"
        let text = ([provenance, "columns: " + header.headerCells.joined(separator: " | ")]
                    + assembled.notes.map { "note: " + $0 }).joined(separator: "\n")
        let info = RunInfo(bench: header.vendor.benchName, channel: fileName, protocolName: name, protocolText: text,
                           program: StepProgram(name: name, source: absolute, instructions: []), cell: nil,
                           startedUnix: assembled.startUnix ?? importUnix)
        let events = [RunEvent(testTime: 0, kind: "import", message: provenance)]
            + assembled.notes.map { RunEvent(testTime: 0, kind: "import-note", message: $0) }
        return ImportedRun(info: info, format: format, rowCount: rows.count, samples: assembled.samples,
                           steps: assembled.steps, events: events, notes: assembled.notes,
                           endTestTime: assembled.samples.last?.testTime ?? 0)
    }

    /// Reads `path` and stores it in `store` as one completed run, in one transaction: a file
    /// that fails anywhere, or a store that refuses the write, leaves nothing behind, and the
    /// error says so.
    @discardableResult
    public static func importFile(path: String, into store: RunStore,
                                  options: ImportOptions = ImportOptions()) throws -> ImportedRun {
        let run: ImportedRun
        do {
            run = try read(path: path, options: options)
        } catch var error as ImportError {
            error.message += "; nothing was stored"
            throw error
        }
        do {
            try store.storeWholeRun(run.info, samples: run.samples, steps: run.steps, events: run.events,
                                    status: .completed, reason: "imported from \(run.info.channel)",
                                    testTime: run.endTestTime)
        } catch {
            throw ImportError(origin: path, message: "the store refused the run (\(error)); nothing was stored")
        }
        return run
    }
}
