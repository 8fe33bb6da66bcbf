import EchemCore
import EchemSim
import Foundation

/// A simulated channel: each run mounts a fresh simulated cell built from the job's cell
/// metadata (its `chemistry` picks the parameter set), with the bench's clock settings.
public struct SimulatedDriver: BenchDriver {
    public let instrument: SimulatedChannel.Instrument
    public let settings: SimulationSettings

    public init(instrument: SimulatedChannel.Instrument, settings: SimulationSettings) {
        self.instrument = instrument
        self.settings = settings
    }

    public var capabilities: ChannelCapabilities { instrument.capabilities(chamber: true) }

    public var describe: String {
        let clock = settings.speed.map { $0 == 1 ? "real time" : "\(SimulatedDriver.format($0))× real time" } ?? "as fast as possible"
        switch instrument {
        case .cycler: return "simulated cycler channel, \(clock)"
        case .potentiostat: return "simulated potentiostat with FRA, \(clock)"
        case .custom: return "simulated channel, \(clock)"
        }
    }

    public func attach(cell: CellMetadata?, restoring: Data?) throws -> any Channel {
        if let restoring, let snap = try? JSONDecoder().decode(SimulatedChannel.Snapshot.self, from: restoring),
           let sim = try? SimulatedChannel(restoring: snap) {
            return sim
        }
        let clock: SimulatedChannel.Clock = settings.speed.map { .realTime(speed: $0) } ?? .accelerated
        let noise = SimulatedChannel.Noise(voltsSigma: settings.noiseVolts, amperesSigma: 0,
                                           impedanceRelativeSigma: settings.noiseVolts > 0 ? 5e-3 : 0)
        do {
            return try SimulatedChannel.forCell(cell, samplePeriod: settings.samplePeriod, clock: clock, noise: noise,
                                                instrument: instrument, chamber: true)
        } catch let e as SimulatedChannel.CellMismatch {
            throw ChannelError.unsupported("simulated cell: \(e.description)")
        }
    }

    /// A simulated channel needs to know which cell to simulate.
    public func problem(with cell: CellMetadata?) -> String? {
        guard let name = cell?.chemistry else {
            return "the simulated bench needs the cell's chemistry to simulate it: add `chemistry:` to the cell (one of \(ChemistryLibrary.names.joined(separator: ", ")))"
        }
        guard ChemistryLibrary.names.contains(name) else {
            return "the simulated bench has no chemistry '\(name)' (expected one of \(ChemistryLibrary.names.joined(separator: ", ")))"
        }
        return nil
    }

    public func snapshot(_ channel: any Channel) -> Data? {
        guard let sim = channel as? SimulatedChannel else { return nil }
        return try? JSONEncoder().encode(sim.snapshot())
    }

    /// A simulated cell is mounted per run and has no output to leave on.
    public func safeState() async {}

    static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
