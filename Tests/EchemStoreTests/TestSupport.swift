import EchemCore
import Foundation
@testable import EchemStore

/// A fresh directory under the system temp dir; tests use real files, never `:memory:`.
struct TempDir {
    let path: String

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "echemstore-\(safe)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A small but complete run, built as the engine would report it: a CC charge at +2 mA, a rest,
/// a CC discharge at -2 mA, two cycles, an EIS spectrum after cycle 1, a step log and events.
/// Every sample column carries a distinct, non-round value so a swapped column cannot pass.
struct SyntheticRun {
    var info: RunInfo
    var samples: [Sample] = []
    var steps: [StepRecord] = []
    var events: [RunEvent] = []
    var spectra: [ImpedanceSpectrum] = []

    static let chargeAmperes = 2e-3
    static let dt = 1.0 / 3.0

    init(id: UUID = UUID(), samplesPerStep: Int = 30, cycles: Int = 2, temperature: Bool = true) {
        let cell = CellMetadata(name: "ZnS-A7", chemistry: "zns_anode", masses: ["active": 1e-3],
                                massBasis: "active", nominalSpecificCapacity: 0.4)
        let program = StepProgram(name: "cc-cycling", source: "protocols/cc.yaml", instructions: [
            .step(Step(id: 1, label: "charge", summary: "Charge at 2 mA until 3.3 V",
                       control: .current(amperes: Self.chargeAmperes))),
            .step(Step(id: 2, summary: "Rest 10 s", control: .rest)),
            .step(Step(id: 3, summary: "Discharge at 2 mA until 2.5 V",
                       control: .current(amperes: -Self.chargeAmperes))),
        ], cell: cell, resolutions: ["2 mA as written"])
        info = RunInfo(id: id, bench: "bench-7", channel: "neware-1/3", protocolName: "cc-cycling",
                       protocolText: "steps:\n  - Charge at 2 mA until 3.3 V\n", program: program, cell: cell,
                       startedUnix: 1_718_000_000.125)

        var t = 0.0, seq: Int64 = 0, stepCount = 0
        var qc = 0.0, qd = 0.0, ec = 0.0, ed = 0.0
        for cycle in 1...cycles {
            var cqc = 0.0, cqd = 0.0, cec = 0.0, ced = 0.0
            for (stepID, amps) in [(1, Self.chargeAmperes), (2, 0.0), (3, -Self.chargeAmperes)] {
                stepCount += 1
                steps.append(StepRecord(stepCount: stepCount, stepID: stepID, label: stepID == 1 ? "charge" : nil,
                                        kind: amps == 0 ? .rest : .current, cycle: cycle, startTestTime: t))
                var stepT = 0.0, sq = 0.0, se = 0.0
                for k in 0..<samplesPerStep {
                    if k > 0 {
                        let v = Self.voltage(charge: qc - qd)
                        let dq = amps * Self.dt / 3600, de = dq * v
                        t += Self.dt; stepT += Self.dt; sq += dq; se += de
                        if dq > 0 { qc += dq; cqc += dq; ec += de; cec += de }
                        if dq < 0 { qd -= dq; cqd -= dq; ed -= de; ced -= de }
                    }
                    samples.append(Sample(
                        seq: seq, testTime: t, unixTime: info.startedUnix + t, stepTime: stepT,
                        volts: Self.voltage(charge: qc - qd) + amps * 0.05, amperes: amps,
                        celsius: temperature ? 25.0 + 0.001 * Double(seq) : nil, stepID: stepID,
                        stepCount: stepCount, cycle: cycle, chargeCapacity: qc, dischargeCapacity: qd,
                        chargeEnergy: ec, dischargeEnergy: ed, cycleChargeCapacity: cqc,
                        cycleDischargeCapacity: cqd, cycleChargeEnergy: cec, cycleDischargeEnergy: ced,
                        stepCapacity: sq, stepEnergy: se))
                    seq += 1
                }
                steps[steps.count - 1].endTestTime = t
                steps[steps.count - 1].endReason = amps == 0 ? "step_time >= 10 s" : "V limit"
                steps[steps.count - 1].capacity = sq
                steps[steps.count - 1].energy = se
            }
            events.append(RunEvent(testTime: t, kind: "cycle_end", message: "cycle \(cycle) ended"))
            if cycle == 1 {
                let points = stride(from: 5.0, through: -1.0, by: -0.5).map { logf -> ImpedancePoint in
                    let f = pow(10, logf), w = 2 * Double.pi * f
                    // R_s + R_ct || C: a semicircle.
                    let rct = 0.5, c = 1e-3, den = 1 + pow(w * rct * c, 2)
                    return ImpedancePoint(frequencyHz: f, real: 0.05 + rct / den, imaginary: -w * rct * rct * c / den,
                                          time: t + 0.1 * (5 - logf))
                }
                spectra.append(ImpedanceSpectrum(index: 0, stepCount: stepCount, cycle: cycle, testTime: t,
                                                 points: points))
            }
        }
    }

    /// A plausible OCV: rises with stored charge.
    static func voltage(charge ah: Double) -> Double { 3.0 + 0.7 * tanh(ah / 1e-4) + 1e-7 / 3 }

    func checkpoint(afterSamples n: Int) -> EngineCheckpoint {
        let s = samples[n - 1]
        return EngineCheckpoint(pc: 2, loopPasses: [0: s.cycle - 1], loopLatched: [1: true],
                                callStack: [CallFrame(routine: nil, returnPC: 4)], cycle: s.cycle,
                                stepCount: s.stepCount, testTime: s.testTime, nextSeq: Int64(n),
                                chargeCapacity: s.chargeCapacity, dischargeCapacity: s.dischargeCapacity,
                                chargeEnergy: s.chargeEnergy, dischargeEnergy: s.dischargeEnergy,
                                lastDirection: .charge, eisCount: spectra.count)
    }

    /// Stores the whole run in commits of `batch` samples, each carrying the steps, events and
    /// spectra whose test time falls in it, and a checkpoint at its end.
    func store(into store: RunStore, batch: Int = 25, finish: Bool = true) async throws {
        try await store.begin(info)
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + batch)
            let t0 = start == 0 ? -Double.infinity : samples[start - 1].testTime
            let t1 = end == samples.count ? Double.infinity : samples[end - 1].testTime
            func inBatch(_ t: Double) -> Bool { t > t0 && t <= t1 }
            // As the engine reports them: a step row at its start, completed at its end.
            var stepRows: [StepRecord] = []
            for step in steps {
                if inBatch(step.startTestTime) {
                    stepRows.append(StepRecord(stepCount: step.stepCount, stepID: step.stepID, label: step.label,
                                               kind: step.kind, cycle: step.cycle, startTestTime: step.startTestTime))
                }
                if let end = step.endTestTime, inBatch(end) { stepRows.append(step) }
            }
            try await store.commit(runID: info.id, samples: Array(samples[start..<end]), steps: stepRows,
                                   events: events.filter { inBatch($0.testTime) },
                                   spectra: spectra.filter { inBatch($0.testTime) },
                                   checkpoint: checkpoint(afterSamples: end))
            start = end
        }
        if finish {
            try await store.finish(runID: info.id, status: .completed, reason: "program end",
                                   testTime: samples.last?.testTime ?? 0)
        }
    }
}
