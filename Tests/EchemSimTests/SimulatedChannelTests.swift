import Foundation
import Testing
@testable import EchemSim
import EchemCore

@Suite struct SimulatedChannelTests {
    @Test func acceleratedClockAdvancesByThePeriod() async throws {
        let channel = try SimulatedChannel(chemistry: "zns_anode", amountOnBasis: 0.001, samplePeriod: 2)
        let first = try await channel.nextReading()
        let second = try await channel.nextReading()
        #expect(first.time == 2 && second.time == 4)
        #expect(first.amperes == 0 && first.celsius == 25)
    }

    @Test func cccvThroughSetpointCompliance() async throws {
        let channel = try SimulatedChannel(config: .init(parameters: try set("li_s"), capacityAh: 1.18e-3,
                                                         initialSOC: 0.3, samplePeriod: 5))
        try await channel.apply(Setpoint(.current(amperes: 1e-3), maxVolts: 2.6))
        var r = try await channel.nextReading()
        for _ in 0..<8000 { r = try await channel.nextReading() }
        #expect(abs(r.volts - 2.6) < 1e-9)
        #expect(r.amperes > 0 && r.amperes < 2e-5)
        try await channel.outputOff()
        let off = try await channel.nextReading()
        #expect(off.amperes == 0 && off.volts < 2.6)
    }

    @Test func cvHoldRespectsCurrentCompliance() async throws {
        let channel = try SimulatedChannel(chemistry: "zns_anode", amountOnBasis: 0.001)
        try await channel.apply(Setpoint(.voltage(volts: 0.5), maxAbsCurrent: 2e-4))
        let r = try await channel.nextReading()
        #expect(abs(r.amperes + 2e-4) < 1e-12)  // clamped discharge current
        #expect(r.volts > 0.5)
    }

    @Test func cyclicVoltammetryOfThePolysulfideCell() async throws {
        let config = try SimulatedChannel.Config(chemistry: "polysulfide_symmetric", amountOnBasis: 0.00165,
                                                 instrument: .potentiostat)
        let channel = try SimulatedChannel(config: config)
        let sweep = Sweep(startVolts: .nan, vertices: [1, -1], scanRateVoltsPerSecond: 1e-3, cycles: 2,
                          stepVolts: 0)
        try await channel.apply(Setpoint(.sweep(sweep)))
        let runner = channel.state().sweep!
        #expect(abs(runner.segments[0].from) < 1e-9)  // NaN start = the cell's OCV (0 V here)
        var readings: [ChannelReading] = []
        while true {
            let r = try await channel.nextReading()
            readings.append(r)
            if r.sweepDone { break }
        }
        // Path 0 → 1 → −1 → 0 twice = 8 V at 1 mV/s.
        #expect(abs(readings.last!.time - 8000) <= 1)
        #expect(readings.first!.sweepCycle == 1 && readings[5000].sweepCycle == 2)
        // Oxidation current at +1 V, reduction at −1 V; the capacitive step flips sign at the vertex.
        let top = readings.min { abs($0.volts - 1) < abs($1.volts - 1) }!
        let bottom = readings.min { abs($0.volts + 1) < abs($1.volts + 1) }!
        #expect(top.amperes > 0 && bottom.amperes < 0)
        let cycle2 = readings.filter { $0.sweepCycle == 2 }
        // Two anodic peaks on the positive side (two redox couples).
        let anodic = cycle2.filter { $0.volts > 0 && $0.amperes > 0 }
        var peaks = 0
        for k in 1..<(anodic.count - 1) where anodic[k].amperes > anodic[k - 1].amperes
            && anodic[k].amperes >= anodic[k + 1].amperes && anodic[k].time - anodic[k - 1].time < 1.5 {
            peaks += 1
        }
        #expect(peaks >= 2)
    }

    @Test func staircaseAndEndVolts() async throws {
        let config = try SimulatedChannel.Config(chemistry: "ideal_linear", amountOnBasis: 0.001,
                                                 instrument: .potentiostat)
        let channel = try SimulatedChannel(config: config)
        let lsv = Sweep(startVolts: 3.5, vertices: [3.6], scanRateVoltsPerSecond: 1e-3, cycles: 1,
                        endVolts: 3.6, stepVolts: 0.01)
        try await channel.apply(Setpoint(.sweep(lsv)))
        var volts: [Double] = []
        var done = false
        while !done {
            let r = try await channel.nextReading()
            volts.append(r.volts)
            done = r.sweepDone
        }
        #expect(volts.count == 100)
        #expect(Set(volts.map { ($0 * 1000).rounded() }).count == 11)  // 3.50, 3.51 … 3.60
        #expect(abs(volts.last! - 3.6) < 1e-9)
    }

    @Test func firstCycleWindowAndSnapshotMidSweep() async throws {
        // Seed 004 row 4-5: first scan 1.7–3.2 V, later scans 1.7–2.8 V, starting from OCV.
        let config = try SimulatedChannel.Config(chemistry: "li2s_cathode", amountOnBasis: 0.001,
                                                 samplePeriod: 10, instrument: .potentiostat)
        let channel = try SimulatedChannel(config: config)
        let cv = Sweep(startVolts: .nan, vertices: [2.8, 1.7], scanRateVoltsPerSecond: 1e-3, cycles: 2,
                       firstCycleVertices: [3.2, 1.7], stepVolts: 0)
        try await channel.apply(Setpoint(.sweep(cv)))
        let start = channel.state().sweep!.segments[0].from
        #expect(abs(start - 2.046) < 0.01)
        let ends: [Double] = channel.state().sweep!.segments.map(\.to)
        let expected: [Double] = [3.2, 1.7, start, 2.8, 1.7, start]
        #expect(ends.count == expected.count)
        for (a, b) in zip(ends, expected) { #expect(abs(a - b) < 1e-12) }
        for _ in 0..<100 { _ = try await channel.nextReading() }
        // The snapshot stores the resolved start, so it encodes (JSON has no NaN) and resumes.
        let data = try JSONEncoder().encode(channel.snapshot())
        let resumed = try SimulatedChannel(restoring: try JSONDecoder().decode(SimulatedChannel.Snapshot.self, from: data))
        var maxFirst = 0.0, maxSecond = 0.0
        while true {
            let a = try await channel.nextReading()
            let b = try await resumed.nextReading()
            #expect(a == b)
            if a.sweepCycle == 1 { maxFirst = max(maxFirst, a.volts) } else { maxSecond = max(maxSecond, a.volts) }
            if a.sweepDone { break }
        }
        #expect(abs(maxFirst - 3.2) <= 0.01 && abs(maxSecond - 2.8) <= 0.01)  // within one sample of the vertex
    }

    @Test func snapshotRestoresTheSameCell() async throws {
        var config = try SimulatedChannel.Config(chemistry: "zns_anode", amountOnBasis: 0.001)
        config.noise = .init(voltsSigma: 1e-3, amperesSigma: 1e-6, seed: 42)
        let a = try SimulatedChannel(config: config)
        try await a.apply(Setpoint(.current(amperes: -5e-4), minVolts: 0.01))
        for _ in 0..<1234 { _ = try await a.nextReading() }
        let data = try JSONEncoder().encode(a.snapshot())
        let b = try SimulatedChannel(restoring: try JSONDecoder().decode(SimulatedChannel.Snapshot.self, from: data))
        for _ in 0..<500 {
            let x = try await a.nextReading()
            let y = try await b.nextReading()
            #expect(x == y)
        }
    }

    @Test func noiseIsSeededAndHasTheAskedSigma() async throws {
        func readings(seed: UInt64) async throws -> [Double] {
            var config = try SimulatedChannel.Config(chemistry: "li_li_symmetric", amountOnBasis: 1)
            config.noise = .init(voltsSigma: 2e-3, seed: seed)
            let channel = try SimulatedChannel(config: config)
            var v: [Double] = []
            for _ in 0..<20_000 { v.append(try await channel.nextReading().volts) }
            return v
        }
        let a = try await readings(seed: 1)
        let b = try await readings(seed: 1)
        let c = try await readings(seed: 2)
        #expect(a == b)
        #expect(a != c)
        let mean = a.reduce(0, +) / Double(a.count)
        let sigma = (a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(a.count)).squareRoot()
        #expect(abs(mean) < 1e-4)
        #expect(abs(sigma - 2e-3) < 1e-4)
    }

    @Test func chamberTemperatureApproachesFirstOrder() async throws {
        let plain = try SimulatedChannel(chemistry: "zns_anode", amountOnBasis: 0.001)
        await #expect(throws: ChannelError.self) { try await plain.setChamberTemperature(40) }

        var config = try SimulatedChannel.Config(chemistry: "zns_anode", amountOnBasis: 0.001, chamber: true)
        config.samplePeriod = 10
        let channel = try SimulatedChannel(config: config)
        #expect(channel.capabilities.modes.contains(.temperature))
        try await channel.setChamberTemperature(-20)
        var r = try await channel.nextReading()
        for _ in 1..<60 { r = try await channel.nextReading() }  // 600 s = one time constant
        #expect(abs(r.celsius! - (-20 + 45 * exp(-1))) < 1e-9)
        let cold = channel.state().cell
        #expect(cold.resistances(atCelsius: cold.state.celsius).r0 > cold.resistances(atCelsius: 25).r0)
    }

    @Test func rejectsWhatTheInstrumentCannotDo() async throws {
        let cycler = try SimulatedChannel(chemistry: "zns_anode", amountOnBasis: 0.001)
        await #expect(throws: ChannelError.self) { try await cycler.apply(Setpoint(.current(amperes: 1))) }
        await #expect(throws: ChannelError.self) {
            try await cycler.apply(Setpoint(.sweep(Sweep(startVolts: 1, vertices: [2], scanRateVoltsPerSecond: 1e-3,
                                                         cycles: 1))))
        }
        await #expect(throws: ChannelError.self) {
            _ = try await cycler.measureImpedance(EISSpec(mode: .potentiostatic, startHz: 1e3, endHz: 1,
                                                          pointsPerDecade: 5, amplitude: 0.01))
        }
    }

    @Test func realTimeClockSleeps() async throws {
        let channel = try SimulatedChannel(chemistry: "zns_anode", amountOnBasis: 0.001, samplePeriod: 1,
                                           clock: .realTime(speed: 100))
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<5 { _ = try await channel.nextReading() }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(45))  // 5 × 1 s / 100
        #expect(channel.time == 5)
    }
}

@Suite("Sweep start and end as the protocol language says")
struct SweepStartEndTests {
    @Test("`start: ocv` starts the sweep at the present open-circuit voltage, not at the first vertex")
    func startsAtOCV() async throws {
        let ch = try SimulatedChannel(chemistry: "ideal_linear", amountOnBasis: 1e-3, instrument: .potentiostat)
        let ocv = ch.state().cell.openCircuitVoltage()
        let sweep = Sweep(startVolts: 3.2, vertices: [3.2, 3.8], scanRateVoltsPerSecond: 1e-3, cycles: 1,
                          stepVolts: 0.001, startsAtOpenCircuit: true)
        try await ch.apply(Setpoint(.sweep(sweep), maxAbsCurrent: 0.4))
        let first = try await ch.nextReading()
        #expect(abs(first.volts - ocv) < 0.005, "first point \(first.volts) V near OCV \(ocv) V")
    }

    @Test("`return_to_start: false` makes an LSV that stops at its last vertex")
    func linearSweepStops() async throws {
        let ch = try SimulatedChannel(chemistry: "ideal_linear", amountOnBasis: 1e-3, instrument: .potentiostat)
        let sweep = Sweep(startVolts: 3.5, vertices: [3.6], scanRateVoltsPerSecond: 1e-3, cycles: 1, stepVolts: 0,
                          returnsToStart: false)
        try await ch.apply(Setpoint(.sweep(sweep), maxAbsCurrent: 0.4))
        var r = try await ch.nextReading()
        var n = 0
        while !r.sweepDone && n < 10_000 { r = try await ch.nextReading(); n += 1 }
        #expect(r.sweepDone)
        #expect(n < 150, "0.1 V at 1 mV/s is 100 s, not 200 s out and back")
    }
}
