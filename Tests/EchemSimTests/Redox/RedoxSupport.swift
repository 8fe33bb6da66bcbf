import Foundation
@testable import EchemSim

/// One cyclic voltammogram sampled at the end of each step.
struct RedoxVoltammogram {
    var t: [Double] = []
    var e: [Double] = []
    var i: [Double] = []
    /// Index of the switching vertex (first sample of the reverse sweep is `switchIndex + 1`).
    var switchIndex = 0

    /// Most negative (cathodic) current on the forward sweep and its potential.
    var cathodicPeak: (volts: Double, amperes: Double) {
        let k = (0...switchIndex).min { i[$0] < i[$1] }!
        return (e[k], i[k])
    }
    /// Most positive (anodic) current on the reverse sweep and its potential, its time too.
    var anodicPeak: (volts: Double, amperes: Double, seconds: Double) {
        let k = (switchIndex + 1..<i.count).max { i[$0] < i[$1] }!
        return (e[k], i[k], t[k])
    }
}

/// A linear-ramp CV: from `start` to `vertex` and back at `v` V/s, `stepVolts` per sample
/// (potential taken at the end of each step, as a potentiostat's ramp reaches it).
func redoxCV(_ couple: RedoxCouple, start: Double, vertex: Double, scanRate v: Double,
           stepVolts: Double = 0.0005) -> RedoxVoltammogram {
    var electrode = RedoxElectrode(couple, startVolts: start)
    var out = RedoxVoltammogram()
    let steps = Int((abs(vertex - start) / stepVolts).rounded())
    let direction: Double = vertex < start ? -1 : 1
    let dt = stepVolts / v
    for leg in 0..<2 {
        for k in 1...steps {
            let travelled = Double(k) * stepVolts
            let volts = leg == 0 ? start + direction * travelled : vertex - direction * travelled
            out.i.append(electrode.current(atVolts: volts, dt: dt))
            out.e.append(volts)
            out.t.append(electrode.seconds)
        }
        if leg == 0 { out.switchIndex = out.i.count - 1 }
    }
    return out
}

/// Relative difference.
func fractionalError(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }
