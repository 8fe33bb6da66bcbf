import EchemCore
import EchemSim
import Foundation
import Testing
@testable import EchemAnalysis

/// A cell with Butler–Volmer kinetics: R_e = 10 Ω, R_ct = RT/(F·i₀) = 60 Ω in parallel with a
/// 20 µF, α = 0.9 double layer, then solid-state diffusion (τ_D = 2500 s, a Warburg over the whole
/// 100 kHz – 10 mHz window) and 0.1 µH of leads, measured at rest with 0.2 % noise on Z.
func chargeTransferCell() throws -> SimulatedChannel {
    var p = try ChemistryLibrary.named("ideal_linear")
    p.r0Ohm = 10
    p.exchangeCurrentA = 8.314462618 * 298.15 / 96485.33212 / 60
    p.doubleLayerFarads = 2e-5
    p.eis = ChemistryParameters.EISCircuit(inductanceHenry: 1e-7, doubleLayerAlpha: 0.9)
    return try SimulatedChannel(config: SimulatedChannel.Config(
        parameters: p, capacityAh: p.referenceCapacityAh, noise: SimulatedChannel.Noise(impedanceRelativeSigma: 2e-3),
        instrument: .potentiostat))
}

/// The simulator's own R_ct: the resistor in parallel with the double layer in its circuit.
func simulatorChargeTransferOhms(_ channel: SimulatedChannel) -> Double? {
    for case .resistorParallelCPE(let ohm, _, _) in channel.state().cell.impedanceCircuit().elements { return ohm }
    return nil
}

@Suite("Run analysis: EIS spectra recorded through the engine into a store")
struct RunAnalysisEISTests {
    static let protocolText = """
        echemd: 1
        name: EIS of a charge-transfer cell at rest
        steps:
          - rest: 60 s
          - eis: {from: 100 kHz, to: 10 mHz, points_per_decade: 10, amplitude: 5 mV}
        """

    @Test("the simulated cell's spectrum is Kramers–Kronig consistent (< 1 %) and the fit gives its R_ct within 5 %")
    func spectrumOfSimulatedCell() async throws {
        let channel = try chargeTransferCell()
        let rct = try #require(simulatorChargeTransferOhms(channel))
        #expect(abs(rct - 60) < 0.01)
        let run = try await record(Self.protocolText, on: channel)
        defer { run.remove() }
        let report = try run.analysis()
        #expect(report.errors.isEmpty, "\(report.errors)")
        let spectrum = try #require(report.eis?.spectra.first)
        #expect(report.eis?.spectra.count == 1)
        #expect(spectrum.pointCount == 71)
        #expect(spectrum.highestHz == 1e5)
        let kk = try #require(spectrum.linKK)
        #expect(kk.maxAbsResidual < 0.01, "lin-KK max residual \(kk.maxAbsResidual)")
        #expect(kk.valid)

        #expect(spectrum.preferred == .chargeTransferWarburg, "the diffusion tail makes W pay for its parameter")
        let withW = try #require(spectrum.fit(.chargeTransferWarburg))
        let fitted = try #require(withW.parameter("R_ct"))
        #expect(abs(fitted.value / rct - 1) < 0.05, "R_ct \(fitted.value) Ω, simulator \(rct) Ω")
        #expect(abs(withW.electrolyteOhms / 10 - 1) < 0.05, "R_e \(withW.electrolyteOhms) Ω")
        #expect(withW.parameters.allSatisfy { $0.standardError != nil }, "every parameter has its standard error")
        #expect((fitted.standardError ?? .infinity) < 0.05 * fitted.value)

        let without = try #require(spectrum.fit(.chargeTransfer))
        #expect(without.parameters.map(\.name) == ["R_e", "R_ct", "Q", "alpha"], "both fits are reported")
        let aic = spectrum.fits.map(\.aic)
        #expect(aic[1] < aic[0], "AIC with W \(aic[1]) < without \(aic[0])")
    }

    @Test("a spectrum too short to fit is an error naming the spectrum, stored beside what could be computed")
    func tooShortSpectrumIsAnError() async throws {
        let text = """
            echemd: 1
            name: three-point spectrum
            steps:
              - eis: {from: 1 kHz, to: 100 Hz, points_per_decade: 2, amplitude: 5 mV}
            """
        let run = try await record(text, on: try chargeTransferCell())
        defer { run.remove() }
        let report = try run.analysis()
        let spectrum = try #require(report.eis?.spectra.first)
        #expect(spectrum.pointCount == 3)
        #expect(spectrum.fits.isEmpty && spectrum.linKK == nil)
        #expect(report.errors.count == 3, "\(report.errors)")
        #expect(report.errors.allSatisfy { $0.hasPrefix("spectrum 1 (step #1): ") })
        #expect(report.errors.contains { $0.contains("3 points: fitting R0-p(R1,CPE1) needs at least 5") })
        #expect(try report.documents().map { $0.kind } == ["overview", "eis", "error"])
    }
}
