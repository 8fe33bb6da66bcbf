import EchemCore
import Foundation

/// The kinds of document an analysed run stores, one JSON document each (table `analysis`).
public enum RunAnalysisKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// What was found and the options used (always written).
    case overview
    /// CV peaks per sweep step and cycle.
    case cv
    /// b-value, Randles–Sevcik and Dunn's split over the run's scan rates (≥ 3 rates).
    case scanRate = "scan_rate"
    /// lin-KK and circuit fits per EIS spectrum.
    case eis
    /// What could not be analysed, and why.
    case error
}

/// What a run held for analysis and how it was analysed.
public struct RunAnalysisOverview: Sendable, Hashable, Codable {
    /// The JSON layout's version, raised when a field changes meaning.
    public static let currentFormat = 1
    public var format: Int
    public var sweepSteps: Int
    public var sweepCycles: Int
    /// The distinct scan rates found (V/s), slowest first.
    public var scanRates: [Double]
    public var spectra: Int
    public var options: RunAnalysis.Options
    public var notes: [String]

    public init(format: Int = currentFormat, sweepSteps: Int, sweepCycles: Int, scanRates: [Double], spectra: Int,
                options: RunAnalysis.Options, notes: [String]) {
        self.format = format
        self.sweepSteps = sweepSteps
        self.sweepCycles = sweepCycles
        self.scanRates = scanRates
        self.spectra = spectra
        self.options = options
        self.notes = notes
    }
}

/// The `cv` document.
public struct CVRunReport: Sendable, Hashable, Codable {
    public var steps: [CVStepReport]
    public init(steps: [CVStepReport]) { self.steps = steps }
}

/// The `error` document: each message names the step or spectrum and what was wrong.
public struct RunAnalysisErrors: Sendable, Hashable, Codable {
    public var messages: [String]
    public init(messages: [String]) { self.messages = messages }
}

/// Everything computed from one run; each part is stored as its own kind.
public struct RunAnalysisReport: Sendable, Hashable, Codable {
    public var overview: RunAnalysisOverview
    public var cv: CVRunReport?
    public var scanRate: ScanRateReport?
    public var eis: EISRunReport?
    public var errors: [String]

    public init(overview: RunAnalysisOverview, cv: CVRunReport? = nil, scanRate: ScanRateReport? = nil,
                eis: EISRunReport? = nil, errors: [String] = []) {
        self.overview = overview
        self.cv = cv
        self.scanRate = scanRate
        self.eis = eis
        self.errors = errors
    }

    /// The documents to store, one per kind present, as JSON text.
    public func documents() throws -> [(kind: String, json: String)] {
        var out: [(kind: String, json: String)] = [(RunAnalysisKind.overview.rawValue, try AnalysisJSON.text(overview))]
        if let cv { out.append((RunAnalysisKind.cv.rawValue, try AnalysisJSON.text(cv))) }
        if let scanRate { out.append((RunAnalysisKind.scanRate.rawValue, try AnalysisJSON.text(scanRate))) }
        if let eis { out.append((RunAnalysisKind.eis.rawValue, try AnalysisJSON.text(eis))) }
        if !errors.isEmpty {
            out.append((RunAnalysisKind.error.rawValue, try AnalysisJSON.text(RunAnalysisErrors(messages: errors))))
        }
        return out
    }

    /// Reads stored documents back. Kinds this version does not know are skipped; a document that
    /// does not decode throws, naming its kind (recomputing replaces it).
    public init(documents: [(kind: String, json: String)]) throws {
        var overview: RunAnalysisOverview?
        var report = RunAnalysisReport(overview: RunAnalysisOverview(sweepSteps: 0, sweepCycles: 0, scanRates: [],
                                                                     spectra: 0, options: RunAnalysis.Options(),
                                                                     notes: []))
        for d in documents {
            switch RunAnalysisKind(rawValue: d.kind) {
            case .overview: overview = try AnalysisJSON.decode(RunAnalysisOverview.self, d.json, kind: d.kind)
            case .cv: report.cv = try AnalysisJSON.decode(CVRunReport.self, d.json, kind: d.kind)
            case .scanRate: report.scanRate = try AnalysisJSON.decode(ScanRateReport.self, d.json, kind: d.kind)
            case .eis: report.eis = try AnalysisJSON.decode(EISRunReport.self, d.json, kind: d.kind)
            case .error: report.errors = try AnalysisJSON.decode(RunAnalysisErrors.self, d.json, kind: d.kind).messages
            case nil: continue
            }
        }
        if let overview { report.overview = overview }
        self = report
    }
}

/// JSON for stored analyses: sorted keys (the same result stores as the same text) and ±∞/NaN as
/// strings, since a fit can legitimately produce them and plain JSON has no spelling for them.
public enum AnalysisJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                 nan: "nan")
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                   nan: "nan")
        return d
    }

    static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String, kind: String) throws -> T {
        do {
            return try decoder().decode(type, from: Data(json.utf8))
        } catch {
            throw RunAnalysisError("stored analysis '\(kind)' does not read as this version's \(T.self) (\(error)); "
                                   + "recompute it (echemctl analyze RUN --recompute)")
        }
    }
}

/// Why a run could not be analysed as asked: what was wrong and what would be valid.
public struct RunAnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
