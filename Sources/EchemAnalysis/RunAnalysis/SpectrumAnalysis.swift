import EchemCore

/// lin-KK and the two charge-transfer circuit fits of one stored spectrum.
enum SpectrumAnalysis {
    /// The circuits fitted to every spectrum: seed 003's with the Warburg, and without it.
    static let circuits: [EISCircuit] = [.chargeTransfer, .chargeTransferWarburg]

    /// The report, and a message for each part that could not be computed (also in its notes).
    static func analyse(_ spectrum: ImpedanceSpectrum) -> (report: EISSpectrumReport, failures: [String]) {
        var notes: [String] = []
        var linKK: LinKKSummary?
        do {
            linKK = LinKKSummary(try LinearKramersKronig.check(spectrum.points))
        } catch {
            notes.append("lin-KK: \(error)")
        }
        var fits: [EISCircuitFit] = []
        for circuit in circuits {
            do {
                fits.append(EISCircuitFit(try EISFit.fit(spectrum.points, circuit: circuit)))
            } catch {
                notes.append("fit \(circuit.rawValue): \(error)")
            }
        }
        let failures = notes
        if let kk = linKK, !kk.valid {
            notes.append("lin-KK residuals above 1 %: the spectrum is not Kramers–Kronig consistent (drift, "
                         + "non-linearity or an unsettled cell); read the fits with care")
        }
        // Lower AIC wins; on a tie the circuit with fewer parameters (listed first).
        let best = fits.min { $0.aic < $1.aic }
        let frequencies = spectrum.points.map(\.frequencyHz)
        let report = EISSpectrumReport(index: spectrum.index, stepCount: spectrum.stepCount, cycle: spectrum.cycle,
                                       testTime: spectrum.testTime, pointCount: spectrum.points.count,
                                       highestHz: frequencies.max(), lowestHz: frequencies.min(), linKK: linKK,
                                       fits: fits, preferred: best?.result.circuit, notes: notes)
        return (report, failures.map { "spectrum \(spectrum.index) (step #\(spectrum.stepCount)): \($0)" })
    }
}
