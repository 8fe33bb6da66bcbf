import EchemCore
import Foundation

/// Store write throughput, for `echem-bench`: durable batched commits of realistic samples.
public enum StoreBenchmark {
    /// Writes `count` samples into a new run at `path` (a fresh file is best; an existing store
    /// gets one more run) in commits of `batch`, each durable before the next starts, and returns
    /// samples per second over the whole, including every commit's fsync.
    public static func samplesPerSecond(path: String, batch: Int, count: Int,
                                        durability: StoreOptions.Durability = .full) throws -> Double {
        precondition(batch > 0 && count > 0, "batch and count must be positive")
        let store = try RunStore(path: path, options: StoreOptions(durability: durability))
        let program = StepProgram(name: "bench", source: "<bench>", instructions: [])
        let run = RunInfo(bench: "bench", channel: "ch1", protocolName: "bench", protocolText: "",
                          program: program, cell: nil, startedUnix: Date().timeIntervalSince1970)
        try store.beginSync(run)

        var samples = [Sample]()
        samples.reserveCapacity(batch)
        var seq: Int64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        while seq < Int64(count) {
            samples.removeAll(keepingCapacity: true)
            let end = min(Int64(count), seq + Int64(batch))
            while seq < end {
                samples.append(benchSample(seq))
                seq += 1
            }
            try store.commitSync(runID: run.id, samples: samples)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try store.close()
        return Double(count) / seconds
    }

    /// A 1 Hz, 1 mA charge at a plausible voltage: every column populated, as the engine writes it.
    static func benchSample(_ seq: Int64) -> Sample {
        let t = Double(seq)
        let q = 1e-3 * t / 3600
        return Sample(seq: seq, testTime: t, unixTime: 1.7e9 + t, stepTime: t, volts: 3.2 + 1e-6 * t,
                      amperes: 1e-3, celsius: 25, stepID: 1, stepCount: 1, cycle: 1, chargeCapacity: q,
                      chargeEnergy: 3.2 * q, cycleChargeCapacity: q, cycleChargeEnergy: 3.2 * q,
                      stepCapacity: q, stepEnergy: 3.2 * q)
    }
}
