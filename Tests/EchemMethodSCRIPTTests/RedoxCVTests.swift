import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation
import Testing

/// A CV on the simulated reversible couple, through the wire: the peaks a reversible one-electron
/// couple must show (research §7d).
@Suite("MethodSCRIPT CV of a reversible couple", .serialized)
struct RedoxCVTests {
    @Test("the anodic peak matches Randles–Sevcik within 1 %, and ΔEp is 57–60 mV")
    func randlesSevcik() async throws {
        // 1 mM, D = 1e-5 cm²/s, 3 mm disc, E°′ = 0.2 V, starting reduced at −0.1 V.
        let couple = RedoxCouple(e0Volts: 0.2)
        let bench = try await Bench.start(cell: .redox(couple, restVolts: -0.1))
        let rate = 0.1
        try await bench.channel.apply(Setpoint(.sweep(Sweep(startVolts: -0.1, vertices: [0.5, -0.1],
                                                           scanRateVoltsPerSecond: rate, cycles: 1, stepVolts: 0.001))))
        var points: [ChannelReading] = []
        while true {
            let r = try await bench.channel.nextReading()
            if r.sweepDone { break }
            points.append(r)
        }
        let anodic = points.max { $0.amperes < $1.amperes }!
        let cathodic = points.min { $0.amperes < $1.amperes }!
        let expected = couple.randlesSevcikPeakAmperes(scanRate: rate)
        #expect(abs(anodic.amperes - expected) <= 0.01 * expected, "i_pa \(anodic.amperes) A vs \(expected) A")
        let separation = anodic.volts - cathodic.volts
        #expect(separation >= 0.057 && separation <= 0.060, "ΔEp = \(separation * 1000) mV")
        #expect(abs((anodic.volts + cathodic.volts) / 2 - 0.2) <= 0.002)   // E½ ≈ E°′
        await bench.close()
    }
}
