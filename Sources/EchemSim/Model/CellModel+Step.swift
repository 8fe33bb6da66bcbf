import Foundation

/// Constants of one step, gathered once so every trial current costs one OCV lookup.
struct StepContext {
    var dt: Double
    /// 3600·Q (A·s) at the present capacity.
    var chargeScale: Double
    /// Surface SOC at the end of the step with no current, and dz_surf/dj.
    var surfaceFree: Double
    var surfaceGain: Double
    /// Σ v_i·e^{−Δt/τ_i}: the RC voltages the step starts from, decayed.
    var rcDecayed: Double
    /// R0 + Σ R_i(1 − e^{−Δt/τ_i}).
    var rLinear: Double
    var h: Double
    var lastSign: Double
    var gamma: Double
    var m0: Double
    var exchangeCurrent: Double
    var twoRTOverF: Double
    var sinkRemainingAs: Double
    var sinkFraction: Double
    var sinkSign: Double
    var efficiency: Double
    var efficiencySign: Double
    var barrier: Double
    var barrierVolts: Double
    var barrierSign: Double
    /// 1/(A·s) over which the barrier decays by 1/e.
    var barrierRate: Double
}

/// Terminal voltage and dV/dI of one trial current.
struct Trial {
    var volts: Double
    var slope: Double
}

extension CellModel {
    /// Advance the cell by `dt` seconds under `drive`; returns the end-of-step terminal V and I.
    @discardableResult
    public mutating func step(_ drive: CellDrive, dt: Double) -> CellStepResult {
        let c = prepare(dt: dt)
        let s = solve(drive, c)
        commit(s.amperes, sign: s.sign, volts: s.volts, c)
        return CellStepResult(volts: s.volts, amperes: s.amperes, limit: s.limit)
    }

    /// Constant-current step without compliance.
    @discardableResult
    public mutating func step(current: Double, dt: Double) -> CellStepResult {
        step(CellDrive(.current(current)), dt: dt)
    }

    @inline(__always)
    mutating func prepare(dt: Double) -> StepContext {
        refreshCache(dt: dt)
        let p = parameters
        var surfaceFree = state.soc
        var gain = dt
        if hasDiffusion {
            diffusion.prepare(dt: dt, tau: cache.tauD)
            surfaceFree = diffusion.freeSurface(state.diffusionModes)
            gain = diffusion.surfaceGain
        }
        var rcDecayed = 0.0
        for i in 0..<state.rcVolts.count { rcDecayed += state.rcVolts[i] * cache.rcDecay[i] }
        let chargeScale = 3600 * capacityAh * state.capacityFactor
        var c = StepContext(
            dt: dt, chargeScale: chargeScale, surfaceFree: surfaceFree, surfaceGain: gain,
            rcDecayed: rcDecayed, rLinear: cache.rLinear, h: state.hysteresis, lastSign: state.lastSign,
            gamma: p.hysteresis?.gamma ?? 0, m0: p.hysteresis?.m0Volts ?? 0,
            exchangeCurrent: cache.exchangeCurrent, twoRTOverF: cache.twoRTOverF,
            sinkRemainingAs: 0, sinkFraction: 0, sinkSign: 0,
            efficiency: p.coulombicEfficiency, efficiencySign: p.inefficientOn.sign,
            barrier: 0, barrierVolts: 0, barrierSign: 0, barrierRate: 0)
        if let loss = p.firstCycleLoss, state.irreversibleRemainingAh > 0 {
            c.sinkRemainingAs = state.irreversibleRemainingAh * 3600
            c.sinkFraction = loss.fraction
            c.sinkSign = loss.on.sign
        }
        if let b = p.activationBarrier, state.barrier > 0 {
            c.barrier = state.barrier
            c.barrierVolts = b.volts
            c.barrierSign = b.on.sign
            c.barrierRate = 1 / (b.chargeFraction * 3600 * capacityAh)
        }
        return c
    }

    /// The part of `current` that reaches the host, and its derivative.
    @inline(__always)
    func hostCurrent(_ current: Double, sign sg: Double, _ c: StepContext) -> (amperes: Double, gain: Double) {
        var host = current
        var gain = 1.0
        if sg == c.sinkSign && c.sinkRemainingAs > 0 {
            if c.sinkFraction * abs(current) * c.dt <= c.sinkRemainingAs {
                host = current * (1 - c.sinkFraction)
                gain = 1 - c.sinkFraction
            } else {
                host = current - sg * c.sinkRemainingAs / c.dt  // the sink runs out inside this step
            }
        }
        if sg == c.efficiencySign {
            host *= c.efficiency
            gain *= c.efficiency
        }
        return (host, gain)
    }

    /// End-of-step terminal voltage for a trial current; `sg` is its sign (0 = open circuit),
    /// which matters only at I = 0 where the sign-dependent terms jump.
    @inline(__always)
    func evaluate(_ current: Double, sign sg: Double, _ c: StepContext) -> Trial {
        let host = hostCurrent(current, sign: sg, c)
        let j = host.amperes / c.chargeScale
        let zs = c.surfaceFree + c.surfaceGain * j
        var h = c.h
        var dh = 0.0
        if sg != 0 && c.gamma > 0 {
            let k = c.gamma * c.dt
            let fac = exp(-abs(j) * k)
            h = c.h * fac + sg * (1 - fac)
            dh = (sg - c.h) * fac * k * sg * host.gain / c.chargeScale
        }
        let o = ocv.evaluate(zs, h: h)
        var v = o.volts + c.rcDecayed + current * c.rLinear + c.m0 * (sg != 0 ? sg : c.lastSign)
        var dv = o.slope * c.surfaceGain * host.gain / c.chargeScale + c.rLinear + o.halfGap * dh
        if c.exchangeCurrent > 0 {
            let x = current / (2 * c.exchangeCurrent)
            v += c.twoRTOverF * asinh(x)
            dv += c.twoRTOverF / (2 * c.exchangeCurrent * (1 + x * x).squareRoot())
        }
        if sg == c.barrierSign && c.barrier > 0 {
            let a = c.barrier * exp(-abs(current) * c.dt * c.barrierRate)
            v += sg * c.barrierVolts * a
            dv -= c.barrierVolts * a * c.dt * c.barrierRate
        }
        return Trial(volts: v, slope: dv)
    }

    /// Apply the chosen current for one step.
    @inline(__always)
    mutating func commit(_ current: Double, sign sg: Double, volts: Double, _ c: StepContext) {
        let host = hostCurrent(current, sign: sg, c).amperes
        let j = host / c.chargeScale
        let p = parameters
        // Where the rest of the charge went: the first-cycle sink, then coulombic loss.
        if sg == c.sinkSign && c.sinkRemainingAs > 0 {
            let diverted = min(c.sinkFraction * abs(current) * c.dt, c.sinkRemainingAs)
            state.irreversibleRemainingAh = max(0, state.irreversibleRemainingAh - diverted / 3600)
        }
        state.sideReactionAh += abs(current - host) * c.dt / 3600
        state.soc += j * c.dt
        if hasDiffusion {
            diffusion.commit(flux: j, into: &state.diffusionModes)
            state.surfaceSOC = c.surfaceFree + c.surfaceGain * j
        } else {
            state.surfaceSOC = state.soc
        }
        for i in 0..<state.rcVolts.count {
            state.rcVolts[i] = state.rcVolts[i] * cache.rcDecay[i] + cache.rcGain[i] * current
        }
        if sg != 0 {
            if c.gamma > 0 {
                let fac = exp(-abs(j) * c.gamma * c.dt)
                state.hysteresis = state.hysteresis * fac + sg * (1 - fac)
            }
            state.lastSign = sg
        }
        if let b = p.activationBarrier {
            if sg == c.barrierSign && c.barrier > 0 {
                state.barrier = c.barrier * exp(-abs(current) * c.dt * c.barrierRate)
            }
            if let re = b.rearmSOC, b.on == .discharge ? state.soc >= re : state.soc <= re {
                state.barrier = 1
            }
        }
        let amp = abs(current) * c.dt / 3600
        if current > 0 { state.chargedAh += amp } else { state.dischargedAh += amp }
        if p.fadePerCycle > 0 {
            state.capacityFactor = max(0.01, state.capacityFactor - p.fadePerCycle * amp / (2 * capacityAh))
        }
        state.seconds += c.dt
        state.amperes = current
        state.volts = volts
    }
}
