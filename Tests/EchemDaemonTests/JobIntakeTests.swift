import EchemCore
@testable import EchemDaemon
import EchemStore
import Foundation
import Testing

@Suite("Job intake: validated against this bench's channels, with located reasons")
struct JobIntakeTests {
    let intake = JobIntake(bench: try! Bench(config: .simulatedBench(bench: "t")), defaultRecovery: .resume)
    let seed = try! String(contentsOfFile: repositoryRoot.path + "/protocols/seed-000/0-3-zns-long-cycling.yaml", encoding: .utf8)

    @Test("A cycling seed can run on every channel, cyclers first; the default policy is filled in")
    func eligible() {
        let out = intake.prepare(.init(text: seed, filename: "zns.yaml", source: "test"))
        #expect(out.job != nil)
        #expect(out.eligibleChannels.first == "cyc-1")
        #expect(out.eligibleChannels.contains("pstat-1"))
        #expect(out.job?.target.recovery == .resume)
        #expect(out.job?.cell?.chemistry == "zns_anode")
    }

    @Test("The job header picks the channel and policy; an unknown channel is refused with the valid ones")
    func header() {
        let withJob = seed.replacingOccurrences(of: "\nname:", with: "\njob:\n  channel: cyc-4\n  recovery: stop\nname:")
        let out = intake.prepare(.init(text: withJob, filename: "zns.yaml", source: "test"))
        #expect(out.eligibleChannels == ["cyc-4"])
        #expect(out.job?.target.recovery == .stop)
        let bad = intake.prepare(.init(text: seed, filename: "zns.yaml", target: JobTarget(channel: "cyc-99"), source: "test"))
        #expect(bad.job == nil)
        #expect(bad.diagnostics.first?.contains("zns.yaml:1:1: error: job.channel 'cyc-99'") == true)
        #expect(bad.diagnostics.first?.contains("cyc-1") == true)
    }

    @Test("A protocol beyond a channel's limits is refused at submit, naming the step")
    func beyondLimits() {
        let text = """
        echemd: 1
        name: too much current for a cycler channel
        cell: {name: c, chemistry: ideal_linear, nominal_capacity: 1 mAh}
        job:
          channel: cyc-1
        steps:
          - Charge at 80 mA until 4.2 V
        """
        let out = intake.prepare(.init(text: text, filename: "big.yaml", source: "test"))
        #expect(out.job == nil)
        #expect(out.diagnostics.contains { $0.hasPrefix("big.yaml:7:") && $0.contains("error") }, "\(out.diagnostics)")
    }

    @Test("A CV binds the potentiostat; a cycler alone cannot sweep")
    func potentiostatBinding() {
        let text = """
        echemd: 1
        name: cv
        cell: {name: c, chemistry: ideal_linear, nominal_capacity: 1 mAh}
        steps:
          - sweep: {start: 2.0 V, vertices: [1.7 V, 2.8 V], scan_rate: 1 mV/s, cycles: 1}
        """
        let any = intake.prepare(.init(text: text, filename: "cv.yaml", source: "test"))
        #expect(any.eligibleChannels == ["pstat-1"], "only the potentiostat sweeps")
        let bound = intake.prepare(.init(text: text, filename: "cv.yaml", target: JobTarget(channel: "cyc-2", potentiostat: "pstat-1"), source: "test"))
        #expect(bound.eligibleChannels == ["cyc-2"], "a cycler with a bound potentiostat can run it: \(bound.diagnostics)")
        let wrong = intake.prepare(.init(text: text, filename: "cv.yaml", target: JobTarget(potentiostat: "cyc-3"), source: "test"))
        #expect(wrong.diagnostics.first?.contains("not a potentiostat channel") == true)
    }
}

@Suite("Job intake on the simulated bench")
struct SimulatedIntakeTests {
    @Test("A job without a cell chemistry is refused at submit: the simulator would not know what to simulate")
    func needsChemistry() {
        let intake = JobIntake(bench: try! Bench(config: .simulatedBench(bench: "t")), defaultRecovery: .resume)
        let out = intake.prepare(.init(text: "echemd: 1\nname: rest\nsteps:\n  - rest: 1 h\n", filename: "r.yaml", source: "test"))
        #expect(out.job == nil)
        #expect(out.diagnostics.first?.contains("chemistry") == true, "\(out.diagnostics)")
        #expect(out.diagnostics.first?.contains("zns_anode") == true, "the valid chemistries are listed")
    }
}
