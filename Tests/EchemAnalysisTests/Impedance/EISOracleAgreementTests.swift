import EchemCore
import Foundation
import Testing
@testable import EchemAnalysis

/// The Swift half of `scripts/oracles/eis-impedance.sh`: the script exports spectra from
/// `echemctl simulate` runs, fits them with impedance.py, and writes them to the JSON file named by
/// `ECHEM_EIS_ORACLE`; this test fits the same spectra with `EISFit` and `LinearKramersKronig` and
/// writes its results beside it (`<file>.swift.json`) for the script to compare. Disabled unless
/// the script runs it.
@Suite struct EISOracleAgreementTests {
    struct Spectrum: Decodable {
        var name: String
        var frequencies: [Double]
        var real: [Double]
        var imaginary: [Double]
    }
    struct Input: Decodable { var spectra: [Spectrum] }
    struct Output: Encodable {
        var name: String
        var fit: EISFitResult
        var linKK: LinKKResult
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["ECHEM_EIS_ORACLE"] != nil,
                   "run by scripts/oracles/eis-impedance.sh"))
    func fitsTheExportedSpectra() throws {
        let path = try #require(ProcessInfo.processInfo.environment["ECHEM_EIS_ORACLE"])
        let input = try JSONDecoder().decode(Input.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(!input.spectra.isEmpty)
        var out: [Output] = []
        for s in input.spectra {
            let points = s.frequencies.indices.map {
                ImpedancePoint(frequencyHz: s.frequencies[$0], real: s.real[$0], imaginary: s.imaginary[$0], time: 0)
            }
            let fit = try EISFit.fit(points, circuit: .chargeTransferWarburg)
            let kk = try LinearKramersKronig.check(points)
            #expect(fit.converged, "\(s.name)")
            #expect(kk.isValid(), "\(s.name): lin-KK max residual \(kk.maxAbsResidual)")
            out.append(Output(name: s.name, fit: fit, linKK: kk))
        }
        try JSONEncoder().encode(out).write(to: URL(fileURLWithPath: path + ".swift.json"))
    }
}
