import EchemCore

/// Micro-benchmarks for echem-bench (not timed tests): how fast the physics runs.
public enum SimBenchmark {
    /// Model steps per second: ZnS anode (1 mg composite) cycling CC at 840 mA/g between
    /// 0.01 and 3 V with Δt = 1 s, straight on `CellModel`, for at least `steps` steps.
    public static func stepsPerSecond(steps: Int = 2_000_000) throws -> Double {
        let p = try ChemistryLibrary.named("zns_anode")
        let mass = 0.001
        var cell = try CellModel(parameters: p, amountOnBasis: mass)
        let cycler = GalvanostaticCycler(dt: 1, minVolts: p.minVolts, maxVolts: p.maxVolts)
        _ = cycler.run(&cell, amperes: -0.14 * mass)  // formation, not timed
        _ = cycler.run(&cell, amperes: 0.14 * mass)
        let clock = ContinuousClock()
        var done = 0
        let start = clock.now
        while done < steps {
            done += cycler.run(&cell, amperes: -0.84 * mass).steps
            done += cycler.run(&cell, amperes: 0.84 * mass).steps
        }
        return Double(done) / (clock.now - start).inSeconds
    }

    /// Readings per second through `SimulatedChannel.nextReading()` (accelerated clock, lock and
    /// async call included), discharging and charging the ZnS anode at 840 mA/g.
    public static func channelReadingsPerSecond(readings: Int = 1_000_000) async throws -> Double {
        let mass = 0.001
        let channel = try SimulatedChannel(chemistry: "zns_anode", amountOnBasis: mass)
        let clock = ContinuousClock()
        var done = 0
        var charging = false
        try await channel.apply(Setpoint(.current(amperes: -0.84 * mass), minVolts: 0.01))
        let start = clock.now
        while done < readings {
            let r = try await channel.nextReading()
            done += 1
            if !charging && r.volts <= 0.01 {
                charging = true
                try await channel.apply(Setpoint(.current(amperes: 0.84 * mass), maxVolts: 3))
            } else if charging && r.volts >= 3 - 1e-9 {
                charging = false
                try await channel.apply(Setpoint(.current(amperes: -0.84 * mass), minVolts: 0.01))
            }
        }
        return Double(done) / (clock.now - start).inSeconds
    }
}
