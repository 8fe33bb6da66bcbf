import EchemCore

/// Decides which samples are stored: every dt, or on a dV/dI/dQ change since the last stored
/// sample, whichever comes first. Step boundaries are stored by the engine regardless.
struct RecordingFilter {
    var rule: RecordingRule
    private var lastTime = -Double.infinity
    private var lastVolts = 0.0
    private var lastAmperes = 0.0
    private var lastCharge = 0.0

    init(rule: RecordingRule) { self.rule = rule }

    @inline(__always)
    func wants(time: Double, volts: Double, amperes: Double, charge: Double) -> Bool {
        if let dt = rule.everySeconds, time - lastTime >= dt - 1e-9 { return true }
        if let dv = rule.deltaVolts, abs(volts - lastVolts) >= dv { return true }
        if let di = rule.deltaAmperes, abs(amperes - lastAmperes) >= di { return true }
        if let dq = rule.deltaAmpereHours, abs(charge - lastCharge) >= dq { return true }
        return false
    }

    @inline(__always)
    mutating func stored(time: Double, volts: Double, amperes: Double, charge: Double) {
        lastTime = time; lastVolts = volts; lastAmperes = amperes; lastCharge = charge
    }
}
