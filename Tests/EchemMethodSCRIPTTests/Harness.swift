import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation

/// A simulator on a fresh pty and a channel connected to it; `close()` ends both.
struct Bench {
    let simulator: MethodSCRIPTSimulator
    let channel: MethodSCRIPTChannel

    /// ideal_linear (OCV 3 → 4 V linear in SOC, R0 only, planar diffusion) at SOC 0.5: 3.5 V at rest.
    static func start(cell: MethodSCRIPTSimulator.Cell? = nil, clock: SimulationClock = .lockstep,
                      profile: MethodSCRIPTProfile = .nexus, channelProfile: MethodSCRIPTProfile? = nil,
                      impedance: MethodSCRIPTSimulator.ImpedanceMethod = .analytic,
                      samplePeriod: Double = 1) async throws -> Bench {
        let sim = try MethodSCRIPTSimulator(.init(profile: profile,
                                                  cell: try cell ?? .chemistry("ideal_linear", capacityAh: 1e-3),
                                                  clock: clock, impedance: impedance))
        sim.start()
        let channel = try await MethodSCRIPTChannel.connect(
            path: sim.path, profile: channelProfile, known: ShippedModels.all,
            options: .init(samplePeriod: samplePeriod, replyTimeoutFloor: .seconds(5), commandTimeout: .seconds(3)))
        return Bench(simulator: sim, channel: channel)
    }

    func close() async {
        await channel.close()
        simulator.stop()
    }
}
