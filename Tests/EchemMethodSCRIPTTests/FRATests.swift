import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation
import Testing

/// The time-domain FRA (a sine through the cell model, correlated over whole periods) against
/// the cell's analytic small-signal impedance.
@Suite("Time-domain FRA")
struct FRATests {
    /// A cell whose linearisation has only ideal elements, so the two paths describe the same
    /// system: R0, two RC pairs (α = 1), the SOC capacitor of a linear OCV; no diffusion grid,
    /// no CPE, no inductance.
    static func idealCell() throws -> CellModel {
        var p = try ChemistryLibrary.named("ideal_linear")
        p.rc = [.init(ohm: 10, tauSeconds: 0.01), .init(ohm: 30, tauSeconds: 2)]
        p.diffusion = nil
        p.eis = .init(inductanceHenry: 0, arcAlpha: [1, 1], doubleLayerAlpha: 1)
        return try CellModel(parameters: p, capacityAh: 1e-3)
    }

    @Test("PEIS by FRA agrees with the analytic impedance within 1 % from 1 kHz to 10 mHz",
          arguments: [1000.0, 316, 100, 31.6, 10, 3.16, 1, 0.316, 0.1, 0.0316, 0.01])
    func potentiostaticAgrees(hertz: Double) throws {
        let cell = try Self.idealCell()
        var electrode = SimulatedElectrode.battery(cell)
        let z = FrequencyResponseAnalyser().measure(&electrode, hertz: hertz, amplitudeRMS: 0.005,
                                                    control: .potentiostatic(dcVolts: cell.openCircuitVoltage(), maxAbsCurrent: 1))
        let analytic = cell.impedanceCircuit().impedance(hertz: hertz)
        #expect((z - analytic).magnitude <= 0.01 * analytic.magnitude, "FRA \(z) vs analytic \(analytic)")
        // The measurement took its real time: settle + integration cycles.
        #expect(abs(electrode.seconds - 5 / hertz) <= 1e-9 * (5 / hertz))
    }

    @Test("GEIS by FRA agrees with the analytic impedance within 1 %", arguments: [100.0, 1, 0.01])
    func galvanostaticAgrees(hertz: Double) throws {
        let cell = try Self.idealCell()
        var electrode = SimulatedElectrode.battery(cell)
        let z = FrequencyResponseAnalyser().measure(&electrode, hertz: hertz, amplitudeRMS: 1e-5,
                                                    control: .galvanostatic(dcAmperes: 0, minVolts: 0, maxVolts: 5))
        let analytic = cell.impedanceCircuit().impedance(hertz: hertz)
        #expect((z - analytic).magnitude <= 0.01 * analytic.magnitude, "FRA \(z) vs analytic \(analytic)")
    }

    @Test("EIS through the channel on the time-domain simulator matches the analytic impedance within 1 %")
    func throughTheWire() async throws {
        let cell = try Self.idealCell()
        let bench = try await Bench.start(cell: .battery(cell.parameters, capacityAh: 1e-3, initialSOC: nil),
                                          impedance: .timeDomain)
        let spec = EISSpec(mode: .potentiostatic, startHz: 1000, endHz: 0.1, pointsPerDecade: 2, amplitude: 0.005)
        let points = try await bench.channel.measureImpedance(spec)
        #expect(points.count == 9)
        for p in points {
            let analytic = cell.impedanceCircuit().impedance(hertz: p.frequencyHz)
            let z = Complex(p.real, p.imaginary)
            #expect((z - analytic).magnitude <= 0.01 * analytic.magnitude, "\(p.frequencyHz) Hz: \(z) vs \(analytic)")
        }
        await bench.close()
    }
}
