/// The cell linearised at its present operating point (SOC, temperature, DC current), §7b (a).
extension CellModel {
    /// L + R0 + Σ ZARC(R_i, τ_i, α_i) + [R_ct ∥ CPE_dl] + Wo(Z0, τ_D), with
    /// Z0 = dOCV/dz·τ_D/(3600·Q): the diffusion element's own small-signal impedance, whose
    /// low-frequency limit is the SOC integrator (the vertical tail). Without diffusion the integrator
    /// is a series capacitor 3600·Q/(dOCV/dz); with a flat OCV (Li metal) there is none.
    public func impedanceCircuit(dcAmperes: Double = 0) -> ImpedanceCircuit {
        let p = parameters
        let r = resistances(atCelsius: state.celsius)
        var elements: [ImpedanceElement] = []
        if p.eis.inductanceHenry > 0 { elements.append(.inductor(henry: p.eis.inductanceHenry)) }
        elements.append(.resistor(ohm: r.r0))
        for (i, pair) in r.rc.enumerated() {
            let alpha = i < p.eis.arcAlpha.count ? p.eis.arcAlpha[i] : 1
            elements.append(.zarc(ohm: pair.ohm, tau: pair.tau, alpha: alpha))
        }
        if r.exchangeCurrent > 0 {
            // R_ct = dη/dI of the Butler–Volmer term at the DC current.
            let x = dcAmperes / (2 * r.exchangeCurrent)
            let twoRTOverF = 2 * 8.314462618 * (state.celsius + 273.15) / 96485.33212
            let rct = twoRTOverF / (2 * r.exchangeCurrent * (1 + x * x).squareRoot())
            if doubleLayerFarads > 0 {
                elements.append(.resistorParallelCPE(ohm: rct, q: doubleLayerFarads, alpha: p.eis.doubleLayerAlpha))
            } else {
                elements.append(.resistor(ohm: rct))
            }
        }
        let slope = ocvSlope()
        let chargeScale = 3600 * presentCapacityAh
        if hasDiffusion, slope > 0 {
            elements.append(.warburgOpen(z0: slope * r.tauD / chargeScale, tau: r.tauD))
        } else if slope > 0 {
            elements.append(.capacitor(farad: chargeScale / slope))
        }
        return ImpedanceCircuit(elements)
    }
}
