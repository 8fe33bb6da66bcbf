import EchemCore
import Foundation

/// What one export wrote.
public struct BDFExport: Sendable, Hashable {
    public var csvPath: String
    public var metadataPath: String
    /// The EIS table, when the run has spectra.
    public var eisPath: String?
    public var sampleCount: Int64
    public var spectrumCount: Int
}

/// Battery Data Format CSV export: one run (one cell) per file, BDF preferred labels, positive
/// current charges. Beside it: `NAME.metadata.json` (the `batterydf` sidecar convention: the CSV's
/// full file name plus `.metadata.json`) and, with spectra, an EIS table (`NAME.eis.csv`).
public enum BDFExporter {
    /// Streams the run from `store` into `path`. Each file is written under a temporary name and
    /// renamed into place, so a reader never sees half an export.
    @discardableResult
    public static func export(store: RunStore, runID: UUID, to path: String) throws -> BDFExport {
        let run = try store.run(id: runID)
        let withTemperature = try store.hasTemperature(runID: runID)
        var count: Int64 = 0
        try writeAtomically(path) { csv in
            try csv.header(sampleLabels(withTemperature: withTemperature))
            try store.forEachSample(runID: runID) { sample in
                try appendRow(sample, withTemperature: withTemperature, to: &csv)
                count += 1
            }
        }

        let spectra = try store.spectra(runID: runID)
        var eis: String?
        if !spectra.isEmpty {
            let eisFile = eisPath(for: path)
            try writeAtomically(eisFile) { csv in try writeSpectra(spectra, to: &csv) }
            eis = eisFile
        }

        let metadataFile = metadataPath(for: path)
        let metadata = BDFMetadata(run: run, sampleCount: count, spectrumCount: spectra.count,
                                   csvFile: fileName(path), eisFile: eis.map(fileName),
                                   columns: sampleLabels(withTemperature: withTemperature))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(metadata).write(to: URL(fileURLWithPath: metadataFile), options: .atomic)

        return BDFExport(csvPath: path, metadataPath: metadataFile, eisPath: eis, sampleCount: count,
                         spectrumCount: spectra.count)
    }

    /// `OUT.csv` -> `OUT.csv.metadata.json`, as `batterydf` looks for it.
    public static func metadataPath(for path: String) -> String { path + ".metadata.json" }

    /// `OUT.csv` -> `OUT.eis.csv`, `OUT.bdf.csv` -> `OUT.eis.bdf.csv`.
    public static func eisPath(for path: String) -> String {
        for suffix in [".bdf.csv", ".csv"] where path.hasSuffix(suffix) {
            return String(path.dropLast(suffix.count)) + ".eis" + suffix
        }
        return path + ".eis.csv"
    }

    /// The sample table's header, in row order.
    public static func sampleLabels(withTemperature: Bool) -> [String] {
        let labels = [
            BDFLabels.testTime, BDFLabels.voltage, BDFLabels.current, BDFLabels.unixTime,
            BDFLabels.cycleCount, BDFLabels.stepCount, BDFLabels.stepIndex, BDFLabels.stepTime,
            BDFLabels.chargingCapacity, BDFLabels.dischargingCapacity,
            BDFLabels.chargingEnergy, BDFLabels.dischargingEnergy,
            BDFLabels.cycleChargingCapacity, BDFLabels.cycleDischargingCapacity,
            BDFLabels.cycleChargingEnergy, BDFLabels.cycleDischargingEnergy,
            BDFLabels.stepCapacity, BDFLabels.stepEnergy,
        ]
        return withTemperature ? labels + [BDFLabels.ambientTemperature] : labels
    }

    public static let spectrumLabels = [
        BDFLabels.testTime, BDFLabels.cycleCount, BDFLabels.stepCount, BDFLabels.spectrumIndex,
        BDFLabels.frequency, BDFLabels.realImpedance, BDFLabels.imaginaryImpedance,
        BDFLabels.absoluteImpedance, BDFLabels.phase,
    ]

    // Same order as `sampleLabels`.
    static func appendRow(_ s: Sample, withTemperature: Bool, to csv: inout CSVWriter) throws {
        csv.number(s.testTime)
        csv.number(s.volts)
        csv.number(s.amperes)
        csv.number(s.unixTime)
        csv.integer(s.cycle)
        csv.integer(s.stepCount)
        csv.integer(s.stepID)
        csv.number(s.stepTime)
        csv.number(s.chargeCapacity)
        csv.number(s.dischargeCapacity)
        csv.number(s.chargeEnergy)
        csv.number(s.dischargeEnergy)
        csv.number(s.cycleChargeCapacity)
        csv.number(s.cycleDischargeCapacity)
        csv.number(s.cycleChargeEnergy)
        csv.number(s.cycleDischargeEnergy)
        csv.number(s.stepCapacity)
        csv.number(s.stepEnergy)
        if withTemperature { csv.number(s.celsius) }
        try csv.endLine()
    }

    /// One row per point; the spectrum's test time (when it was taken) on each of its rows.
    static func writeSpectra(_ spectra: [ImpedanceSpectrum], to csv: inout CSVWriter) throws {
        try csv.header(spectrumLabels)
        for spectrum in spectra {
            for point in spectrum.points {
                csv.number(spectrum.testTime)
                csv.integer(spectrum.cycle)
                csv.integer(spectrum.stepCount)
                csv.integer(spectrum.index)
                csv.number(point.frequencyHz)
                csv.number(point.real)
                csv.number(point.imaginary)
                csv.number(point.magnitude)
                csv.number(atan2(point.imaginary, point.real) * 180 / .pi)
                try csv.endLine()
            }
        }
    }

    private static func writeAtomically(_ path: String, _ body: (inout CSVWriter) throws -> Void) throws {
        let partial = path + ".partial"
        do {
            var csv = try CSVWriter(path: partial)
            do {
                try body(&csv)
                try csv.close()
            } catch {
                try? csv.close()
                throw error
            }
            guard rename(partial, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                               NSLocalizedDescriptionKey: "rename failed: errno \(errno)"])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private static func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
}

/// The sidecar: which run, bench and channel, what protocol, which cell (BDF keeps all of this
/// out of the CSV).
struct BDFMetadata: Encodable {
    var runID: String
    var bench: String
    var channel: String
    var protocolName: String
    var status: String
    var reason: String?
    var startedUnix: Double
    var finishedUnix: Double?
    var endedTestTime: Double?
    var cell: CellMetadata?
    var sampleCount: Int64
    var spectrumCount: Int
    var csvFile: String
    var eisFile: String?
    var columns: [String]
    var signConvention = "positive current charges the cell"
    var format = "Battery Data Format (BDF) CSV"
    var exporter = "echemd"

    init(run: StoredRun, sampleCount: Int64, spectrumCount: Int, csvFile: String, eisFile: String?,
         columns: [String]) {
        runID = RunKey.text(run.info.id)
        bench = run.info.bench
        channel = run.info.channel
        protocolName = run.info.protocolName
        status = run.status.rawValue
        reason = run.reason
        startedUnix = run.info.startedUnix
        finishedUnix = run.finishedUnix
        endedTestTime = run.endedTestTime
        cell = run.info.cell
        self.sampleCount = sampleCount
        self.spectrumCount = spectrumCount
        self.csvFile = csvFile
        self.eisFile = eisFile
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", bench, channel, protocolName = "protocol_name", status, reason
        case startedUnix = "started_unix", finishedUnix = "finished_unix", endedTestTime = "ended_test_time"
        case cell, sampleCount = "sample_count", spectrumCount = "spectrum_count", csvFile = "csv_file"
        case eisFile = "eis_file", columns, signConvention = "sign_convention", format, exporter
    }
}
