import EchemCore
@testable import EchemDaemon
import EchemSim
import Foundation
import Testing

@Suite("Hard limits: nothing beyond them is commanded, a reading beyond them is a fault")
struct LimitedChannelTests {
    func channel(_ limits: HardLimits) throws -> LimitedChannel {
        let cell = CellMetadata(name: "lin", chemistry: "ideal_linear", nominalCapacity: 0.001)
        return LimitedChannel(try SimulatedChannel.forCell(cell, samplePeriod: 1, instrument: .potentiostat), limits: limits)
    }

    @Test("Capabilities are clipped to the limits, so the compiler refuses protocols beyond them")
    func clipped() throws {
        let ch = try channel(HardLimits(minVolts: 0, maxVolts: 4.2, maxAmperes: 0.01, maxWatts: 0.02))
        #expect(ch.capabilities.maxVolts == 4.2 && ch.capabilities.minVolts == 0)
        #expect(ch.capabilities.maxAbsCurrent == 0.01 && ch.capabilities.maxAbsPower == 0.02)
    }

    @Test("A setpoint beyond the limits is refused and the output is left off")
    func refusesSetpoints() async throws {
        let ch = try channel(HardLimits(minVolts: 0, maxVolts: 4.2, maxAmperes: 0.01))
        await #expect(throws: ChannelError.self) { try await ch.apply(Setpoint(.current(amperes: 0.02))) }
        await #expect(throws: ChannelError.self) { try await ch.apply(Setpoint(.voltage(volts: 4.3))) }
        try await ch.apply(Setpoint(.current(amperes: 0.005)))
        let r = try await ch.nextReading()
        #expect(abs(r.amperes - 0.005) < 1e-12, "an allowed setpoint reaches the channel")
    }

    @Test("Compliance only tightens: a CV hold never asks for more current than the limit")
    func clampsCompliance() throws {
        let ch = try channel(HardLimits(minVolts: 0, maxVolts: 4.2, maxAmperes: 0.01))
        let s = ch.clamped(Setpoint(.voltage(volts: 4.0), maxAbsCurrent: 1))
        #expect(s.maxAbsCurrent == 0.01 && s.maxVolts == 4.2 && s.minVolts == 0)
    }

    @Test("A reading beyond a hard limit switches the output off and fails with the reason")
    func readingFault() async throws {
        // A cell charged at constant current past the 1.5 V limit of this channel.
        let ch = try channel(HardLimits(minVolts: -1, maxVolts: 1.5, maxAmperes: 0.01))
        try await ch.apply(Setpoint(.current(amperes: 0.01)))
        var fault: ChannelError?
        for _ in 0..<100_000 {
            do { _ = try await ch.nextReading() } catch let e as ChannelError { fault = e; break }
        }
        guard case .fault(let message)? = fault else { Issue.record("no fault raised"); return }
        #expect(message.contains("hard limit") && message.contains("output switched off"))
        let after = try await ch.inner.nextReading()
        #expect(after.amperes == 0, "the output is off after the fault")
    }
}
