import EchemAnalysis
import EchemCore
import EchemEngine
import EchemProtocol
import EchemSim
import EchemStore
import Foundation
import Synchronization

/// A potentiostat channel with EchemSim's redox electrode on its leads: a dissolved reversible
/// couple under potential control, for CVs that Randles–Sevcik describes exactly. It samples once
/// per staircase step during a sweep (as a potentiostat reports one point per E step) and every
/// `period` seconds otherwise; at open circuit the potential floats to where no current flows.
final class RedoxChannel: Channel {
    struct State {
        var electrode: RedoxElectrode
        var volts: Double
        var setpoint = Setpoint.off
        var sweep: SweepRunner?
        var time = 0.0
    }

    let capabilities = ChannelCapabilities(modes: [.rest, .voltage, .sweep], minVolts: -2, maxVolts: 2,
                                           maxAbsCurrent: 0.01, minSamplePeriod: 1e-4)
    let period: Double
    private let state: Mutex<State>

    init(_ couple: RedoxCouple, restingAt volts: Double, period: Double = 1) {
        self.period = period
        state = Mutex(State(electrode: RedoxElectrode(couple, startVolts: volts), volts: volts))
    }

    func apply(_ setpoint: Setpoint) async throws {
        state.withLock { s in
            s.setpoint = setpoint
            s.sweep = nil
            if case .sweep(let sweep) = setpoint.mode {
                let start = sweep.startsAtOpenCircuit == true || !sweep.startVolts.isFinite ? s.volts : sweep.startVolts
                s.sweep = SweepRunner(sweep, startVolts: start)
            }
        }
    }

    func nextReading() async throws -> ChannelReading {
        state.withLock { s in
            if var sweep = s.sweep {
                let rate = sweep.segments[sweep.index].rate
                let dt = sweep.stepVolts > 0 ? sweep.stepVolts / rate : period
                let e = sweep.advance(dt)
                let i = s.electrode.current(atVolts: e, dt: dt)
                s.sweep = sweep
                s.volts = e
                s.time += dt
                return ChannelReading(time: s.time, volts: e, amperes: i, sweepCycle: sweep.cycle, sweepDone: sweep.done)
            }
            var i = 0.0
            switch s.setpoint.mode {
            case .voltage(let v):
                i = s.electrode.current(atVolts: v, dt: period)
                s.volts = v
            default:
                s.volts = openCircuit(&s.electrode, near: s.volts)
            }
            s.time += period
            return ChannelReading(time: s.time, volts: s.volts, amperes: i)
        }
    }

    /// The potential at which the next period passes no current (the current rises with E).
    private func openCircuit(_ electrode: inout RedoxElectrode, near e: Double) -> Double {
        func current(_ v: Double) -> Double {
            var trial = electrode
            return trial.current(atVolts: v, dt: period)
        }
        var low = e - 1, high = e + 1
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if current(mid) > 0 { high = mid } else { low = mid }
        }
        let v = (low + high) / 2
        _ = electrode.current(atVolts: v, dt: period)
        return v
    }

    func outputOff() async throws { state.withLock { $0.setpoint = .off; $0.sweep = nil } }

    func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        throw ChannelError.unsupported("this redox channel has no FRA")
    }

    func setChamberTemperature(_ celsius: Double) async throws {
        throw ChannelError.unsupported("no temperature chamber")
    }
}

/// A run recorded into a real SQLite store.
struct RecordedRun {
    var store: RunStore
    var path: String
    var runID: UUID
    var program: StepProgram
    var outcome: RunOutcome
}

struct ProtocolRejected: Error, CustomStringConvertible { var description: String }

/// Compiles `yaml` against `channel`, runs it through the real step engine and stores every sample,
/// step and spectrum in a fresh store file.
func record(_ yaml: String, on channel: any Channel, name: String = #function) async throws -> RecordedRun {
    let compiled = ProtocolCompiler.compile(text: yaml, filename: "\(name).yaml",
                                            options: CompileOptions(capabilities: channel.capabilities))
    guard let program = compiled.program else {
        throw ProtocolRejected(description: compiled.diagnostics.map(\.description).joined(separator: "\n"))
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("echem-analysis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("run.sqlite").path
    let store = try RunStore(path: path, options: StoreOptions(durability: .normal))
    let run = RunInfo(bench: "analysis-tests", channel: "sim-1", protocolName: program.name, protocolText: yaml,
                      program: program, cell: program.cell, startedUnix: 1_700_000_000)
    let engine = StepEngine(program: program, run: run, channel: channel, journal: store,
                            options: EngineOptions(bench: "analysis-tests", autoResumePauses: true))
    let outcome = try await engine.execute()
    return RecordedRun(store: store, path: path, runID: run.id, program: program, outcome: outcome)
}

extension RecordedRun {
    /// Deletes the store's directory (the open connections keep working until they close).
    func remove() { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

    /// The report from the store's rows, as the daemon computes it.
    func analysis(_ options: RunAnalysis.Options = .init()) throws -> RunAnalysisReport {
        let run = try store.run(id: runID)
        var samples: [Sample] = []
        try store.forEachSample(runID: runID) { samples.append($0) }
        return try RunAnalysis.analyse(program: run.info.program, cell: run.info.cell,
                                       steps: try store.steps(runID: runID), samples: samples,
                                       spectra: try store.spectra(runID: runID), options: options)
    }
}
