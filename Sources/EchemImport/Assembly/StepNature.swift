import EchemCore

/// What a vendor's step type says about a step: how it was controlled, and which way current
/// flows (nil when the type does not say, e.g. a Neware `SIM` drive-cycle step).
struct StepNature: Sendable, Hashable {
    var kind: ControlKind
    var direction: CurrentDirection?

    /// Reads Neware (`CC Chg`, `CC_DChg`, `CCCV Chg`, `Rest`, `SIM`, …; their Chinese forms) and
    /// LAND (`C_CC`, `D_CC`, `C_CV`, `R`, …) step types. Nil for a type it does not know.
    static func of(_ text: String) -> StepNature? {
        let key = HeaderCell.fold(text)
        if let known = table[key] { return known }
        // Variants with extra words ("CC Chg 2", "CCCV_Chg(1)"): the decisive parts still show.
        let direction: CurrentDirection?
        if key.contains("dchg") || key.contains("discharge") { direction = .discharge }
        else if key.contains("chg") || key.contains("charge") { direction = .charge }
        else if key.contains("rest") { return StepNature(kind: .rest, direction: CurrentDirection.none) }
        else { return nil }
        let kind: ControlKind = key.contains("cccv") ? .cccv : key.contains("cv") ? .voltage
            : key.contains("cp") ? .power : key.contains("cr") ? .resistance : .current
        return StepNature(kind: kind, direction: direction)
    }

    /// For messages: the step types read.
    static let accepted = "Neware: Rest, CC Chg, CC DChg, CV Chg, CV DChg, CCCV Chg, CCCV DChg, CP Chg, CP DChg, "
        + "CR DChg, SIM, Pause (spaces or underscores); LAND: R, C_CC, D_CC, C_CV, D_CV"

    private static let rest = StepNature(kind: .rest, direction: CurrentDirection.none)
    private static let table: [String: StepNature] = [
        "rest": rest, "r": rest, "ocv": rest, "搁置": rest, "静置": rest,
        "ccchg": .init(kind: .current, direction: .charge), "ccdchg": .init(kind: .current, direction: .discharge),
        "cvchg": .init(kind: .voltage, direction: .charge), "cvdchg": .init(kind: .voltage, direction: .discharge),
        "cccvchg": .init(kind: .cccv, direction: .charge), "cccvdchg": .init(kind: .cccv, direction: .discharge),
        "cpchg": .init(kind: .power, direction: .charge), "cpdchg": .init(kind: .power, direction: .discharge),
        "crchg": .init(kind: .resistance, direction: .charge),
        "crdchg": .init(kind: .resistance, direction: .discharge),
        "sim": .init(kind: .current, direction: nil), "pulse": .init(kind: .current, direction: nil),
        "pause": .init(kind: .operatorPause, direction: CurrentDirection.none),
        // LAND states: C = charge, D = discharge, then the control mode.
        "ccc": .init(kind: .current, direction: .charge), "dcc": .init(kind: .current, direction: .discharge),
        "ccv": .init(kind: .voltage, direction: .charge), "dcv": .init(kind: .voltage, direction: .discharge),
        "ccccv": .init(kind: .cccv, direction: .charge), "dcccv": .init(kind: .cccv, direction: .discharge),
        "恒流充电": .init(kind: .current, direction: .charge), "恒流放电": .init(kind: .current, direction: .discharge),
        "恒压充电": .init(kind: .voltage, direction: .charge), "恒压放电": .init(kind: .voltage, direction: .discharge),
        "恒流恒压充电": .init(kind: .cccv, direction: .charge),
        "恒流恒压放电": .init(kind: .cccv, direction: .discharge),
    ]
}
