/// Charge and energy integrals, cumulative and per cycle. Magnitudes, split by the sign of current.
///
/// Integration is the backward rectangle rule, I_k·Δt_k: a channel reports the current that flowed
/// during the interval ending at its reading (zero-order hold), so this is exact for the simulator
/// and the natural choice for hardware that averages over the sampling period.
struct Accumulators: Sendable, Hashable {
    var chargeQ = 0.0, dischargeQ = 0.0, chargeE = 0.0, dischargeE = 0.0
    var cycleChargeQ = 0.0, cycleDischargeQ = 0.0, cycleChargeE = 0.0, cycleDischargeE = 0.0

    /// Adds one interval; returns the signed charge (Ah) and energy (Wh) it moved.
    @inline(__always)
    mutating func add(volts: Double, amperes: Double, seconds dt: Double) -> (dq: Double, de: Double) {
        let dq = amperes * dt / 3600
        let de = volts * dq
        if dq >= 0 {
            chargeQ += dq; chargeE += de
            cycleChargeQ += dq; cycleChargeE += de
        } else {
            dischargeQ -= dq; dischargeE -= de
            cycleDischargeQ -= dq; cycleDischargeE -= de
        }
        return (dq, de)
    }

    mutating func startCycle() {
        cycleChargeQ = 0; cycleDischargeQ = 0; cycleChargeE = 0; cycleDischargeE = 0
    }
}
