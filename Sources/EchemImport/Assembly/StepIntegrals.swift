import EchemCore

/// Charge (Ah) and energy (Wh) moved since each row's step began, signed: + into the cell.
struct StepIntegrals: Sendable {
    var charge: [Double]
    var energy: [Double]
    var notes: [String]

    /// Takes the export's own counters where it has them: the step capacity column, else the
    /// charge or discharge column matching the step's direction. A counter that falls back at a
    /// step start restarts every step; one that never does is cumulative and is read from the
    /// previous step's last value. Without a counter (and for rest and direction-less steps) the
    /// current is integrated with the trapezoid rule, the first row's current standing in for the
    /// step time it reports before it.
    static func compute(rows: [VendorRow], spans: [RowSpan], directions: [CurrentDirection?],
                        amperes: [Double], times: [Double]) -> StepIntegrals {
        var charge = [Double](repeating: 0, count: rows.count)
        var energy = [Double](repeating: 0, count: rows.count)
        var integratedCharge = false, integratedEnergy = false
        let counters = Counters(rows: rows, spans: spans)
        for (s, span) in spans.enumerated() {
            let direction = directions[s]
            let sign: Double = direction == .charge ? 1 : (direction == .discharge ? -1 : 0)
            if sign != 0, let q = counters.magnitudes(span: s, capacity: true, direction: direction!) {
                for i in span.indices { charge[i] = sign * q[i - span.first] }
            } else {
                integrate(span, rows: rows, amperes: amperes, times: times, power: false, into: &charge)
                if sign != 0 { integratedCharge = true }
            }
            if sign != 0, let e = counters.magnitudes(span: s, capacity: false, direction: direction!) {
                for i in span.indices { energy[i] = sign * e[i - span.first] }
            } else {
                integrate(span, rows: rows, amperes: amperes, times: times, power: true, into: &energy)
                if sign != 0 { integratedEnergy = true }
            }
        }
        var notes: [String] = []
        if integratedCharge { notes.append("no capacity column for some charge or discharge steps: their capacity is ∫I dt of the current (trapezoid rule)") }
        if integratedEnergy { notes.append("no energy column for some charge or discharge steps: their energy is ∫V·I dt (trapezoid rule)") }
        return StepIntegrals(charge: charge, energy: energy, notes: notes)
    }

    private static func integrate(_ span: RowSpan, rows: [VendorRow], amperes: [Double], times: [Double],
                                  power: Bool, into out: inout [Double]) {
        func rate(_ i: Int) -> Double { power ? amperes[i] * rows[i].volts : amperes[i] }
        var total = rate(span.first) * (rows[span.first].stepTime ?? 0) / 3600
        out[span.first] = total
        for i in (span.first + 1)..<(span.last + 1) {
            total += (rate(i) + rate(i - 1)) / 2 * (times[i] - times[i - 1]) / 3600
            out[i] = total
        }
    }
}

/// The export's capacity and energy counters, and whether each restarts at every step.
private struct Counters {
    let rows: [VendorRow]
    let spans: [RowSpan]
    private var restarts: [KeyPath<VendorRow, Double?>: Bool] = [:]

    init(rows: [VendorRow], spans: [RowSpan]) {
        self.rows = rows
        self.spans = spans
        for path in [\VendorRow.stepCapacity, \.chargeCapacity, \.dischargeCapacity, \.stepEnergy, \.chargeEnergy,
                     \.dischargeEnergy] {
            restarts[path] = Self.restartsEachStep(path, rows: rows, spans: spans)
        }
    }

    /// Magnitudes since the step start, or nil when no counter covers every row of the step.
    func magnitudes(span s: Int, capacity: Bool, direction: CurrentDirection) -> [Double]? {
        let candidates: [KeyPath<VendorRow, Double?>] = capacity
            ? [\.stepCapacity, direction == .charge ? \.chargeCapacity : \.dischargeCapacity]
            : [\.stepEnergy, direction == .charge ? \.chargeEnergy : \.dischargeEnergy]
        let span = spans[s]
        for path in candidates {
            let values = span.indices.compactMap { rows[$0][keyPath: path] }
            guard values.count == span.last - span.first + 1 else { continue }
            var base = 0.0
            if s > 0, restarts[path] == false { base = rows[spans[s - 1].last][keyPath: path] ?? 0 }
            return values.map { max(0, $0 - base) }
        }
        return nil
    }

    private static func restartsEachStep(_ path: KeyPath<VendorRow, Double?>, rows: [VendorRow],
                                         spans: [RowSpan]) -> Bool {
        for s in spans.indices.dropFirst() {
            guard let before = rows[spans[s - 1].last][keyPath: path],
                  let after = rows[spans[s].first][keyPath: path] else { continue }
            if after < before - 1e-12 - 1e-9 * abs(before) { return true }
        }
        return false
    }
}
