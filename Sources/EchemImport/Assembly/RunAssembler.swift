import EchemCore
import Foundation

/// A vendor table turned into what the store keeps: samples (SI, + = charge, cumulative and
/// per-cycle totals), one step record per step, and notes on every interpretation made.
struct AssembledRun: Sendable {
    var samples: [Sample]
    var steps: [StepRecord]
    /// Unix time at test time 0 (nil when the export has no date-time column).
    var startUnix: Double?
    var notes: [String]
}

/// Rows → samples and steps. Direction of each step comes from its step type, else from which
/// capacity counter grows, else from the sign of its current; currents are then signed by
/// direction (+ charge, − discharge), whatever sign the export used.
struct RunAssembler {
    var rows: [VendorRow]
    var header: HeaderBinding
    var origin: String

    func assemble(importUnix: Double) throws -> AssembledRun {
        guard !rows.isEmpty else {
            throw ImportError(origin: origin, line: header.line, message: "no data rows under the header")
        }
        var notes: [String] = []
        let spans = StepSegmenter.spans(rows, header: header)
        let times = try StepSegmenter.testTimes(rows, spans: spans, header: header)
        let natures = try spans.map(nature(of:))
        let directions = natures.map(\.direction)
        let (amperes, signNotes) = normalisedCurrents(spans: spans, natures: natures)
        notes += signNotes
        let integrals = StepIntegrals.compute(rows: rows, spans: spans, directions: directions, amperes: amperes,
                                              times: times)
        notes += integrals.notes
        let cycles: [Int]
        if let numbered = CycleNumbering.fromColumn(rows, spans: spans) {
            cycles = numbered.cycles
            if let note = numbered.note { notes.append(note) }
        } else {
            cycles = CycleNumbering.inferred(directions)
            notes.append("no cycle column: a new cycle starts at each step in the test's first direction (charge or discharge) that follows the other")
        }

        let startUnix = rows.first?.unixTime.map { $0 - times[0] }
        if startUnix == nil { notes.append("no date-time column: Unix Time counts from the moment of import") }
        let unixZero = startUnix ?? importUnix

        var samples: [Sample] = []
        samples.reserveCapacity(rows.count)
        var steps: [StepRecord] = []
        var totals = Totals()
        for (s, span) in spans.enumerated() {
            let direction = directions[s]
            if s > 0, cycles[s] != cycles[s - 1] { totals.startCycle() }
            let start = s == 0 ? max(0, times[span.first] - (rows[span.first].stepTime ?? 0)) : times[spans[s - 1].last]
            let stepID = rows[span.first].step ?? (s + 1)
            for i in span.indices {
                let dq = i == span.first ? integrals.charge[i] : integrals.charge[i] - integrals.charge[i - 1]
                let de = i == span.first ? integrals.energy[i] : integrals.energy[i] - integrals.energy[i - 1]
                totals.add(dq: dq, de: de, direction: direction)
                let row = rows[i]
                samples.append(Sample(
                    seq: Int64(i), testTime: times[i], unixTime: row.unixTime ?? (unixZero + times[i]),
                    stepTime: row.stepTime ?? (times[i] - start), volts: row.volts, amperes: amperes[i],
                    celsius: row.celsius, stepID: stepID, stepCount: s + 1, cycle: cycles[s],
                    chargeCapacity: totals.chargeAh, dischargeCapacity: totals.dischargeAh,
                    chargeEnergy: totals.chargeWh, dischargeEnergy: totals.dischargeWh,
                    cycleChargeCapacity: totals.cycleChargeAh, cycleDischargeCapacity: totals.cycleDischargeAh,
                    cycleChargeEnergy: totals.cycleChargeWh, cycleDischargeEnergy: totals.cycleDischargeWh,
                    stepCapacity: integrals.charge[i], stepEnergy: integrals.energy[i]))
            }
            steps.append(StepRecord(
                stepCount: s + 1, stepID: stepID, label: rows[span.first].stepType ?? natures[s].label,
                kind: natures[s].kind, cycle: cycles[s], startTestTime: start, endTestTime: times[span.last],
                endReason: nil, capacity: integrals.charge[span.last], energy: integrals.energy[span.last]))
        }
        return AssembledRun(samples: samples, steps: steps, startUnix: startUnix, notes: notes)
    }

    // MARK: Step direction

    private struct Nature {
        var kind: ControlKind
        var direction: CurrentDirection?
        /// Whether the direction came from something other than the current's sign.
        var independentOfSign: Bool
        var label: String
    }

    private func nature(of span: RowSpan) throws -> Nature {
        let first = rows[span.first]
        if let text = first.stepType, let binding = header[.stepType] {
            guard let known = StepNature.of(text) else {
                throw ImportError(origin: first.origin, line: first.line, column: binding.column,
                                  message: "column '\(binding.header)': '\(text)' is not a step type this importer knows; "
                                  + "expected \(StepNature.accepted)")
            }
            return Nature(kind: known.kind, direction: known.direction, independentOfSign: true, label: text)
        }
        let grew = { (path: KeyPath<VendorRow, Double?>) -> Double in
            let values = span.indices.compactMap { rows[$0][keyPath: path] }
            guard let lo = values.min(), let hi = values.max() else { return 0 }
            return hi - lo
        }
        let charged = grew(\.chargeCapacity), discharged = grew(\.dischargeCapacity)
        if charged > 0 || discharged > 0 {
            let direction: CurrentDirection = charged >= discharged ? .charge : .discharge
            return Nature(kind: .current, direction: direction, independentOfSign: true, label: direction.rawValue)
        }
        let classes = span.indices.map { StepSegmenter.currentClass(rows[$0].amperes) }
        if classes.allSatisfy({ $0 == 0 }) {
            return Nature(kind: .rest, direction: CurrentDirection.none, independentOfSign: true, label: "rest")
        }
        let net = classes.reduce(0, +)
        let direction: CurrentDirection = net >= 0 ? .charge : .discharge
        return Nature(kind: .current, direction: direction, independentOfSign: false, label: direction.rawValue)
    }

    /// + = charge for every step whose direction is known; notes how the export signed discharge.
    private func normalisedCurrents(spans: [RowSpan], natures: [Nature]) -> ([Double], [String]) {
        var amperes = rows.map(\.amperes)
        var positiveDischarge = 0, negativeDischarge = 0
        for (s, span) in spans.enumerated() where natures[s].independentOfSign && natures[s].direction == .discharge {
            for i in span.indices {
                if rows[i].amperes > StepSegmenter.restCurrent { positiveDischarge += 1 }
                if rows[i].amperes < -StepSegmenter.restCurrent { negativeDischarge += 1 }
            }
        }
        var notes: [String] = []
        let magnitudes = positiveDischarge > negativeDischarge
        if magnitudes { notes.append("the export writes discharge current as a positive magnitude; stored negative (+ = charge)") }
        var unsigned = false
        for (s, span) in spans.enumerated() {
            switch natures[s].direction {
            case .charge?: for i in span.indices { amperes[i] = abs(amperes[i]) }
            case .discharge?: for i in span.indices { amperes[i] = -abs(amperes[i]) }
            case nil: unsigned = true
            case .none?: break
            }
        }
        if unsigned && magnitudes {
            notes.append("steps whose type gives no direction (e.g. SIM) keep the current as exported; this export writes magnitudes, so their sign is not known")
        }
        return (amperes, notes)
    }
}

/// Cumulative and per-cycle charge and energy, as magnitudes split by direction.
private struct Totals {
    var chargeAh = 0.0, dischargeAh = 0.0, chargeWh = 0.0, dischargeWh = 0.0
    var cycleChargeAh = 0.0, cycleDischargeAh = 0.0, cycleChargeWh = 0.0, cycleDischargeWh = 0.0

    /// A directional step's counters only grow; their increments go to its direction. In a rest
    /// or direction-less step the sign of each increment decides.
    mutating func add(dq: Double, de: Double, direction: CurrentDirection?) {
        let toCharge: Bool
        switch direction {
        case .charge?: toCharge = true
        case .discharge?: toCharge = false
        default: toCharge = dq >= 0
        }
        let q = abs(dq), e = abs(de)
        if direction == .charge || direction == .discharge {
            // Counters that wobble down by a digit are not charge flowing back.
            if (dq >= 0) != toCharge && q > 0 { return }
        }
        if toCharge {
            chargeAh += q; cycleChargeAh += q; chargeWh += e; cycleChargeWh += e
        } else {
            dischargeAh += q; cycleDischargeAh += q; dischargeWh += e; cycleDischargeWh += e
        }
    }

    mutating func startCycle() {
        cycleChargeAh = 0; cycleDischargeAh = 0; cycleChargeWh = 0; cycleDischargeWh = 0
    }
}
