import EchemAnalysis
import EchemCore
import EchemSim

/// A voltammogram recorded from EchemSim's redox electrode, as a potentiostat would log it:
/// one sample per `stepVolts` of a linear ramp, with the cycle number.
struct SimulatedCV {
    var time: [Double] = []
    var volts: [Double] = []
    var amperes: [Double] = []
    var cycle: [Int] = []

    /// `cycles` CVs from `start` to `vertex` and back, at `scanRate` V/s, through the project's own
    /// sweep path (SweepRunner). Extra couples add their currents (independent species).
    init(_ couples: [RedoxCouple], start: Double, vertex: Double, scanRate: Double, cycles: Int = 1,
         stepVolts: Double = 0.001) {
        var electrodes = couples.map { RedoxElectrode($0, startVolts: start) }
        var sweep = SweepRunner(Sweep(startVolts: start, vertices: [vertex], scanRateVoltsPerSecond: scanRate,
                                      cycles: cycles, stepVolts: 0), startVolts: start)
        let dt = stepVolts / scanRate
        var t = 0.0
        while !sweep.done {
            let e = sweep.advance(dt)
            t += dt
            var i = 0.0
            for k in electrodes.indices { i += electrodes[k].current(atVolts: e, dt: dt) }
            time.append(t)
            volts.append(e)
            amperes.append(i)
            cycle.append(sweep.cycle)
        }
    }

    func peaks(_ options: CVAnalysis.Options = .init()) throws -> [CVCyclePeaks] {
        try CVAnalysis.peaks(time: time, volts: volts, amperes: amperes, cycle: cycle, options: options)
    }
}
