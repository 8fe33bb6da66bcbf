import Testing
import EchemCore
@testable import EchemEngine

@Suite("Coulomb counting and cut-offs")
struct CoulombCountingTests {
    @Test("∫I dt over every step equals the step and cumulative capacity columns to 1e-9 relative")
    func coulombCounting() async throws {
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.voltage, .greaterOrEqual, 3.5)])
        b.step(.voltage(volts: 3.5, currentLimit: nil), ends: [end(.absCurrent, .lessOrEqual, 1e-4)])
        b.step(.rest, ends: [end(.stepTime, .greaterOrEqual, 60)])
        b.step(.current(amperes: -2e-3), ends: [end(.voltage, .lessOrEqual, 3.05)])
        let (outcome, journal) = try await runEngine(b.program(), channel: LinearCellChannel())
        #expect(outcome.status == .completed)
        let samples = journal.samples
        var integral = [Int: Double]()
        var previousTime = 0.0
        for s in samples {
            integral[s.stepCount, default: 0] += s.amperes * (s.testTime - previousTime) / 3600
            previousTime = s.testTime
        }
        for step in journal.steps {
            let expected = integral[step.stepCount] ?? 0
            #expect(abs(step.capacity - expected) <= 1e-9 * max(abs(expected), 1e-12), "step \(step.stepCount)")
            let last = samples.last { $0.stepCount == step.stepCount }!
            #expect(abs(last.stepCapacity - expected) <= 1e-9 * max(abs(expected), 1e-12))
        }
        let charged = integral.values.filter { $0 > 0 }.reduce(0, +)
        let discharged = -integral.values.filter { $0 < 0 }.reduce(0, +)
        #expect(abs(samples.last!.chargeCapacity - charged) <= 1e-9 * charged)
        #expect(abs(samples.last!.dischargeCapacity - discharged) <= 1e-9 * discharged)
        #expect(samples.map(\.seq) == Array(0..<Int64(samples.count)), "seq has no gaps")
    }

    @Test("A CC step ends within one sample period of its voltage crossing", arguments: [0.5, 1.0, 2.5])
    func cutOffWithinOneSample(period: Double) async throws {
        let cell = LinearCellChannel(period: period)
        var b = ProgramBuilder()
        let current = 1e-3, cutoff = 3.4321
        b.step(.current(amperes: current), ends: [end(.voltage, .greaterOrEqual, cutoff)])
        let (_, journal) = try await runEngine(b.program(), channel: cell)
        // V = V0 + k·I·t/3600 + R·I  =>  t* = (cutoff − V0 − R·I)·3600 / (k·I) after the step starts (test time 0).
        let crossing = (cutoff - cell.v0 - cell.ohms * current) * 3600 / (cell.voltsPerAh * current)
        let endTime = journal.steps[0].endTestTime!
        #expect(endTime >= crossing - 1e-9)
        #expect(endTime < crossing + period)
        #expect(journal.samples.last!.volts >= cutoff)
        #expect(journal.samples.dropLast().allSatisfy { $0.volts < cutoff })
    }

    @Test("A CCCV step holds the voltage clamp and tapers to its current limit")
    func cccvTapers() async throws {
        let cell = LinearCellChannel()
        var b = ProgramBuilder()
        b.step(.cccv(amperes: 2e-3, volts: 3.6), ends: [end(.absCurrent, .lessOrEqual, 2e-4)])
        let (_, journal) = try await runEngine(b.program(), channel: cell)
        let samples = journal.samples
        #expect(abs(samples.last!.amperes) <= 2e-4)
        #expect(samples.allSatisfy { $0.volts <= 3.6 + 1e-9 })
        #expect(abs(samples.last!.volts - 3.6) < 1e-9)
        // In the CV phase the current decays exponentially: I(t+Δt)/I(t) = 1 − Δt/(R·C_eff·3600)-like ratio
        // for this discrete cell: I_{n+1} = I_n · (1 − k·Δt/(3600·R′)), R′ = R + k·Δt/3600.
        let cv = samples.filter { $0.amperes < 2e-3 - 1e-12 && $0.amperes > 0 }
        let rEff = cell.ohms + cell.voltsPerAh * cell.period / 3600
        let ratio = 1 - cell.voltsPerAh * cell.period / (3600 * rEff)
        #expect(cv.count > 50)
        for (a, b) in zip(cv.dropFirst(), cv.dropFirst(2)) {
            #expect(abs(b.amperes / a.amperes - ratio) < 1e-9)
        }
    }
}
