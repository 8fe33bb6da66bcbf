import EchemCore
import EchemSim
import Foundation
import Testing
@testable import EchemAnalysis

/// The built `echemctl`, beside the test bundle (or $ECHEMCTL).
func echemctlBinary() -> String {
    if let p = ProcessInfo.processInfo.environment["ECHEMCTL"] { return p }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("echemctl").path
}

/// Runs echemctl to completion on a thread of its own (the wait never blocks Swift's pool);
/// returns its exit status and everything it wrote.
func echemctl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: echemctlBinary())
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do {
                try process.run()
                // Drain before waiting so a chatty child never blocks on a full pipe.
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

/// The JSON object `echemctl analyze --json` prints.
struct AnalyzeJSON: Decodable {
    var run: String
    var computed_unix: Double
    var analyses: Analyses
    struct Analyses: Decodable {
        var overview: RunAnalysisOverview
        var scan_rate: ScanRateReport?
        var eis: EISRunReport?
    }
}

@Suite("echemctl analyze", .serialized)
struct RunAnalysisCLITests {
    @Test("with nothing stored it computes, stores and prints the peaks and b; --json gives K; --recompute with a concentration gives D")
    func analyzeComputesStoresAndPrints() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: echemctlBinary()), "build echemctl first")
        let run = try await record(scanRateSeries([0.02, 0.05, 0.1, 0.2]), on: RedoxChannel(reversibleCouple, restingAt: 0.5))
        defer { run.remove() }
        let prefix = String(run.runID.uuidString.lowercased().prefix(8))
        #expect(try run.store.analyses(runID: run.runID).isEmpty)

        let shown = try await echemctl(["analyze", prefix, "--db", run.path])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("CV peaks per cycle"))
        #expect(shown.output.contains("cv_20") && shown.output.contains("cv_200"))
        let line = try #require(shown.output.split(separator: "\n").first { $0.hasPrefix("cathodic ") }, "\(shown.output)")
        let b = try #require(Double(line.split(separator: " ")[2]), "\(line)")
        #expect(abs(b - 0.5) < 0.05, "printed b = \(b)")
        #expect(shown.output.contains("D not computed"))
        let stored = try run.store.analyses(runID: run.runID)
        #expect(stored.map(\.kind) == ["cv", "overview", "scan_rate"], "computed and stored on first use")

        let json = try await echemctl(["analyze", prefix, "--db", run.path, "--json"])
        #expect(json.status == 0, "\(json.output)")
        let first = try AnalysisJSON.decoder().decode(AnalyzeJSON.self, from: Data(json.output.utf8))
        #expect(first.run == run.runID.uuidString.lowercased())
        #expect(first.computed_unix == stored.map(\.computedUnix).max(), "shown from the store, not recomputed")
        let k = try #require(first.analyses.scan_rate?.cathodic?.randlesSevcik?.slope)
        #expect(abs(k / theoreticalSlope(reversibleCouple) - 1) < 0.01, "K = \(k)")

        let again = try await echemctl(["analyze", prefix, "--db", run.path, "--recompute", "--concentration-mm", "1", "--json"])
        #expect(again.status == 0, "\(again.output)")
        let second = try AnalysisJSON.decoder().decode(AnalyzeJSON.self, from: Data(again.output.utf8))
        #expect(second.computed_unix >= first.computed_unix)
        #expect(second.analyses.overview.options.concentrationMolPerCm3 == 1e-6, "the options used are stored")
        let d = try #require(second.analyses.scan_rate?.cathodic?.randlesSevcik?.diffusionCm2PerSecond)
        #expect(abs(d / 1e-5 - 1) < 0.02, "D = \(d) cm²/s")
    }

    @Test("an EIS run prints lin-KK and both fits with R_ct ± its standard error")
    func analyzePrintsTheEISFits() async throws {
        let run = try await record(RunAnalysisEISTests.protocolText, on: try chargeTransferCell())
        defer { run.remove() }
        let shown = try await echemctl(["analyze", String(run.runID.uuidString.prefix(8)), "--db", run.path])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("lin-KK: max residual"))
        #expect(shown.output.contains("R0-p(R1,CPE1)-W1 (preferred)"))
        let rct = try #require(shown.output.split(separator: "\n").first { $0.hasPrefix("R_ct ") }, "\(shown.output)")
        #expect(rct.contains(" Ω ± "), "\(rct)")
    }

    @Test("bad options, an unknown run and a bad cycle choice exit non-zero with the reason")
    func refusals() async throws {
        let run = try await record(RunAnalysisEISTests.protocolText, on: try chargeTransferCell())
        defer { run.remove() }
        let electrons = try await echemctl(["analyze", String(run.runID.uuidString.prefix(8)), "--db", run.path,
                                            "--electrons", "0"])
        #expect(electrons.status != 0)
        #expect(electrons.output.contains("electrons 0: must be a whole number from 1 to 10"), "\(electrons.output)")
        let unknown = try await echemctl(["analyze", "ffffffff", "--db", run.path])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("no run id starts with 'ffffffff'"), "\(unknown.output)")
        let cycle = try await echemctl(["analyze", "ffff", "--db", run.path, "--cycle", "middle"])
        #expect(cycle.status != 0)
        #expect(cycle.output.contains("first") && cycle.output.contains("last"), "\(cycle.output)")
        #expect(try run.store.analyses(runID: run.runID).isEmpty, "nothing stored by a refused command")
    }
}
