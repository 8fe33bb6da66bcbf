import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation
import Testing

/// `MethodSCRIPTChannel` driving the simulator over a real pseudo-terminal. The cell is
/// ideal_linear at SOC 0.5 (3.5 V at rest, 1 V per unit SOC, R0 = 1 Ω for 1 mAh).
@Suite("MethodSCRIPT channel on the simulator", .serialized)
struct ChannelTests {
    @Test("connecting identifies the Nexus from the t reply and offers sweep, EIS and current control")
    func identifies() async throws {
        let bench = try await Bench.start()
        #expect(bench.channel.firmware.hasPrefix("nexus1"))
        #expect(bench.channel.profile == .nexus)
        let caps = bench.channel.capabilities
        #expect(caps.modes.isSuperset(of: [.rest, .voltage, .current, .sweep, .eis]))
        #expect(caps.eis && caps.minHz == 1e-5 && caps.maxHz == 1e6 && caps.maxVolts == 10)
        await bench.close()
    }

    @Test("a 0.1 mV/s CV streams from its first point: the first reading arrives long before the script ends")
    func slowCVStreamsLive() async throws {
        // 3.5 → 3.6 → 3.4 → 3.5 V at 0.1 mV/s is 4000 s of cell time; at ×1000 that is 4 s of wall time.
        let bench = try await Bench.start(clock: .realTime(speed: 1000))
        let sweep = Sweep(startVolts: 3.5, vertices: [3.6, 3.4], scanRateVoltsPerSecond: 1e-4, cycles: 1)
        let wall = ContinuousClock.now
        try await bench.channel.apply(Setpoint(.sweep(sweep)))
        var readings: [ChannelReading] = []
        for _ in 0..<3 { readings.append(try await bench.channel.nextReading()) }
        let waited = ContinuousClock.now - wall
        #expect(waited < .seconds(2))
        #expect(bench.simulator.electrode.seconds < 1000)   // the cell is at the start of its 4000 s path
        #expect(readings.map(\.volts) == [3.5, 3.501, 3.502])
        #expect(readings.map(\.time) == [10, 20, 30])         // one 1 mV step = 10 s
        #expect(readings.allSatisfy { $0.sweepCycle == 1 && !$0.sweepDone })
        await bench.close()
    }

    @Test("a 2-cycle CV reaches both vertices in each cycle, counts its cycles, then holds with sweepDone")
    func cvReachesVertices() async throws {
        let bench = try await Bench.start()
        let sweep = Sweep(startVolts: 3.5, vertices: [3.55, 3.45], scanRateVoltsPerSecond: 0.01, cycles: 2,
                          stepVolts: 0.002)
        try await bench.channel.apply(Setpoint(.sweep(sweep)))
        var byCycle: [Int: [ChannelReading]] = [:]
        var done: ChannelReading?
        for _ in 0..<500 {
            let r = try await bench.channel.nextReading()
            if r.sweepDone { done = r; break }
            byCycle[r.sweepCycle ?? 0, default: []].append(r)
        }
        #expect(Set(byCycle.keys) == [1, 2])
        for cycle in [1, 2] {
            let v = byCycle[cycle]!.map(\.volts)
            #expect(abs(v.max()! - 3.55) < 1e-9 && abs(v.min()! - 3.45) < 1e-9)
            #expect(abs(v.last! - 3.5) < 1e-9)
            // Anodic above the rest potential on the way up, cathodic below it on the way down.
            let top = byCycle[cycle]!.first { abs($0.volts - 3.55) < 1e-9 }!
            let bottom = byCycle[cycle]!.first { abs($0.volts - 3.45) < 1e-9 }!
            #expect(top.amperes > 0 && bottom.amperes < 0)
        }
        #expect(byCycle[1]!.count == 101 && byCycle[2]!.count == 100)  // 0.2 V per cycle in 2 mV steps, plus the start
        let hold = try #require(done)
        #expect(abs(hold.volts - 3.5) < 1e-9 && hold.sweepCycle == 2)
        let times = (byCycle[1]! + byCycle[2]! + [hold]).map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
        await bench.close()
    }

    @Test("chronoamperometry holds the set potential and the current decays toward the charging side")
    func chronoamperometry() async throws {
        let bench = try await Bench.start()
        try await bench.channel.apply(Setpoint(.voltage(volts: 3.6)))
        var r: [ChannelReading] = []
        for _ in 0..<20 { r.append(try await bench.channel.nextReading()) }
        #expect(r.allSatisfy { $0.volts == 3.6 })
        #expect(r.allSatisfy { $0.amperes > 0 })
        #expect(r.last!.amperes < r[1].amperes)   // diffusion: the current falls as the surface fills
        #expect(r.map(\.time) == (1...20).map(Double.init))
        await bench.close()
    }

    @Test("chronopotentiometry passes the set current and the potential rises while charging")
    func chronopotentiometry() async throws {
        let bench = try await Bench.start()
        try await bench.channel.apply(Setpoint(.current(amperes: 1e-4)))
        var r: [ChannelReading] = []
        for _ in 0..<30 { r.append(try await bench.channel.nextReading()) }
        #expect(r.allSatisfy { abs($0.amperes - 1e-4) < 1e-12 })
        #expect(r.first!.volts > 3.5 && r.last!.volts > r.first!.volts)
        await bench.close()
    }

    @Test("rest is open circuit: no current, the cell's own potential")
    func openCircuit() async throws {
        let bench = try await Bench.start()
        try await bench.channel.outputOff()
        try await bench.channel.outputOff()   // idempotent: the running OCP script is kept
        let r = try await bench.channel.nextReading()
        #expect(r.amperes == 0)
        #expect(abs(r.volts - 3.5) < 1e-6)
        #expect(bench.simulator.counters.scriptsRun == 1)
        await bench.close()
    }

    @Test("a CP guard stops at the compliance potential, notes it, and leaves the cell at open circuit")
    func complianceStop() async throws {
        let bench = try await Bench.start()
        try await bench.channel.apply(Setpoint(.current(amperes: 1e-3), maxVolts: 3.52))
        var note: String?
        for _ in 0..<50 {
            let r = try await bench.channel.nextReading()
            if let n = r.note { note = n; #expect(r.amperes == 0); break }
        }
        #expect(note?.contains("compliance: potential above 3520mV") == true)
        #expect(note?.contains("open circuit") == true)
        #expect(await bench.channel.runningPurpose == .openCircuit)
        await bench.close()
    }

    @Test("EIS points are the simulator's analytic impedance, at the requested frequencies")
    func impedanceMatchesAnalytic() async throws {
        let bench = try await Bench.start()
        try await bench.channel.outputOff()
        _ = try await bench.channel.nextReading()
        let spec = EISSpec(mode: .potentiostatic, startHz: 1e4, endHz: 0.1, pointsPerDecade: 5, amplitude: 0.005)
        let points = try await bench.channel.measureImpedance(spec)
        #expect(points.count == spec.frequencies.count)
        for (p, f) in zip(points, spec.frequencies) {
            #expect(abs(p.frequencyHz - f) <= 5e-6 * f)   // half a count of the 7-hex-digit field
            let z = try #require(bench.simulator.analyticImpedance(hertz: p.frequencyHz))
            #expect(abs(p.real - z.re) <= 1e-6 * z.magnitude)
            #expect(abs(p.imaginary - z.im) <= 1e-6 * z.magnitude)
            #expect(p.imaginary < 0)   // capacitive, as measured
        }
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.time < $1.time })
        // Back at rest afterwards.
        let after = try await bench.channel.nextReading()
        #expect(after.amperes == 0 && after.time > points.last!.time)
        await bench.close()
    }

    @Test("an LSV that starts at OCV probes the rest potential first and sweeps from it to its vertex")
    func sweepFromOpenCircuit() async throws {
        let bench = try await Bench.start()
        let lsv = Sweep(startVolts: .nan, vertices: [3.55], scanRateVoltsPerSecond: 0.01, cycles: 1, stepVolts: 0.001,
                        returnsToStart: false)
        try await bench.channel.apply(Setpoint(.sweep(lsv)))
        var r: [ChannelReading] = []
        while true {
            let x = try await bench.channel.nextReading()
            if x.sweepDone { break }
            r.append(x)
        }
        #expect(abs(r.first!.volts - 3.5) < 1e-6)   // the probed open-circuit potential
        #expect(abs(r.last!.volts - 3.55) < 1e-9)
        #expect(r.count == 51)
        await bench.close()
    }

    @Test("GEIS points are the analytic impedance at the DC current")
    func galvanostaticImpedance() async throws {
        let bench = try await Bench.start()
        let spec = EISSpec(mode: .galvanostatic, startHz: 1000, endHz: 1, pointsPerDecade: 3, amplitude: 1e-5)
        let points = try await bench.channel.measureImpedance(spec)
        #expect(points.count == 10)
        for p in points {
            let z = try #require(bench.simulator.analyticImpedance(hertz: p.frequencyHz))
            #expect(abs(p.real - z.re) <= 1e-6 * z.magnitude && abs(p.imaginary - z.im) <= 1e-6 * z.magnitude)
        }
        await bench.close()
    }

    @Test("a new set-point aborts the running script with Z and the next one starts at once")
    func abortMidScript() async throws {
        let bench = try await Bench.start(clock: .realTime(speed: 100))
        try await bench.channel.apply(Setpoint(.sweep(Sweep(startVolts: 3.5, vertices: [3.6, 3.4],
                                                           scanRateVoltsPerSecond: 1e-4, cycles: 1))))
        let first = try await bench.channel.nextReading()
        #expect(first.sweepCycle == 1)
        try await bench.channel.apply(Setpoint(.voltage(volts: 3.45)))
        let next = try await bench.channel.nextReading()
        #expect(next.volts == 3.45 && next.amperes < 0 && next.time > first.time)
        #expect(bench.simulator.counters.aborts == 1)
        #expect(bench.simulator.counters.scriptsRun == 2)   // the sweep, then the CA
        await bench.close()
    }

    @Test("a device error surfaces typed with its meaning: CP on a potentiostat-only device is !0021")
    func deviceErrorSurfaces() async throws {
        // The channel believes it drives a Nexus; the device is an EmStat Pico (no galvanostat).
        let bench = try await Bench.start(profile: .emStatPico, channelProfile: .nexus)
        try await bench.channel.apply(Setpoint(.current(amperes: 1e-4)))
        await #expect {
            _ = try await bench.channel.nextReading()
        } throws: { error in
            guard let e = error as? MethodSCRIPTError, let code = e.deviceCode else { return false }
            return code == .invalidPGStatMode && "\(e)".contains("PGStat mode")
        }
        await bench.close()
    }

    @Test("a script the device rejects at upload throws its code, line and column")
    func uploadRejected() async throws {
        let bench = try await Bench.start()
        let bad = MethodSCRIPTProgram(purpose: .openCircuit, lines: ["var p", "meas_loop_swv p"], loops: [],
                                      packageInterval: 1, restartsWhenDone: false)
        await #expect {
            try await bench.channel.link.run(bad)
        } throws: { error in
            guard case .device(let e, _) = error as? MethodSCRIPTError else { return false }
            return e.code == .notSupported && e.line == 2 && e.column == 1 && e.command == "e"
        }
        await bench.close()
    }

    @Test("a lost port is a disconnect error, not a hang")
    func lostPort() async throws {
        let bench = try await Bench.start(clock: .realTime(speed: 1))
        try await bench.channel.outputOff()
        _ = try await bench.channel.nextReading()
        bench.simulator.stop()
        let wall = ContinuousClock.now
        await #expect {
            for _ in 0..<10 { _ = try await bench.channel.nextReading() }
        } throws: { error in
            guard case .disconnected(let why) = error as? ChannelError else { return false }
            return why.contains("MethodSCRIPT link lost")
        }
        #expect(ContinuousClock.now - wall < .seconds(12))
        await bench.channel.close()
    }
}
