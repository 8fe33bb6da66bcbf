import ArgumentParser
import EchemPlatform
import Foundation
import EchemCore
import EchemSim

/// Builds the simulated channel `simulate` runs on, from the cell and the clock flags.
enum SimulatedBench {
    static func channel(for cell: CellMetadata?, speed: String, samplePeriod: String,
                        noise: String?) throws -> SimulatedChannel {
        do {
            return try SimulatedChannel.forCell(cell, samplePeriod: try seconds(samplePeriod), clock: try clock(speed),
                                                noise: try noiseSpec(noise))
        } catch let e as SimulatedChannel.CellMismatch {
            throw ValidationError(e.description)
        }
    }

    static func clock(_ speed: String) throws -> SimulatedChannel.Clock {
        if speed == "max" { return .accelerated }
        guard let factor = Double(speed), factor > 0 else {
            throw ValidationError("--speed \(speed): expected `max` or a positive factor such as 1 or 60")
        }
        return .realTime(speed: factor)
    }

    static func seconds(_ text: String) throws -> Double {
        guard case .success(let q) = QuantityParser.parse(text), q.dimension == .time, q.value > 0 else {
            throw ValidationError("--sample-period \(text): expected a positive time such as 1s or 100ms")
        }
        return q.value
    }

    static func noiseSpec(_ text: String?) throws -> SimulatedChannel.Noise {
        guard let text else { return .none }
        guard case .success(let q) = QuantityParser.parse(text), q.dimension == .voltage, q.value >= 0 else {
            throw ValidationError("--noise \(text): expected a voltage σ such as 0.5mV")
        }
        return SimulatedChannel.Noise(voltsSigma: q.value, amperesSigma: 0, impedanceRelativeSigma: 5e-3)
    }
}

/// Saves and restores the simulated cell's state beside the store, so `--resume` continues on the
/// cell as it was when the last batch was committed.
struct SimSnapshotFile: Sendable {
    let path: String

    func save(_ channel: any Channel) {
        guard let sim = channel as? SimulatedChannel,
              let data = try? JSONEncoder().encode(sim.snapshot()) else { return }
        AtomicFile.write(data, to: path)
    }

    func load() -> SimulatedChannel? {
        guard let data = FileManager.default.contents(atPath: path),
              let snap = try? JSONDecoder().decode(SimulatedChannel.Snapshot.self, from: data) else { return nil }
        return try? SimulatedChannel(restoring: snap)
    }
}
