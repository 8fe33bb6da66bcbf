/// The cell a job runs on: what a scientist writes in the job header or in `NAME.cell.yaml`.
/// Masses and areas here are what turn C-rates, A/g and mA/cm² into amperes at submit time.
public struct CellMetadata: Sendable, Hashable, Codable {
    public var name: String
    /// Simulator parameter-set name (e.g. `zns_anode`), also shown in exports.
    public var chemistry: String?
    /// Masses in grams by basis name (`composite`, `active`, `sulfur`, `Li2S`, `Si`…).
    public var masses: [String: Double]
    /// The basis used when a specific quantity (mA/g, mAh/g) names none.
    public var massBasis: String?
    /// Nominal specific capacity in Ah/g on `massBasis`, which defines 1C (1.675 Ah/g for sulfur).
    public var nominalSpecificCapacity: Double?
    /// Nominal capacity in Ah; defines 1C directly when given (wins over the specific one).
    public var nominalCapacity: Double?
    /// Electrode area in cm², the unit every seed uses for areal quantities.
    public var areaCm2: Double?
    /// For GITT (Weppner–Huggins): amount of active material (mol), molar volume (cm³/mol),
    /// electrode–electrolyte contact area (cm²).
    public var activeAmountMol: Double?
    public var molarVolumeCm3PerMol: Double?
    public var interfacialAreaCm2: Double?
    public var notes: String?

    public init(name: String, chemistry: String? = nil, masses: [String: Double] = [:],
                massBasis: String? = nil, nominalSpecificCapacity: Double? = nil,
                nominalCapacity: Double? = nil, areaCm2: Double? = nil,
                activeAmountMol: Double? = nil, molarVolumeCm3PerMol: Double? = nil,
                interfacialAreaCm2: Double? = nil, notes: String? = nil) {
        self.name = name
        self.chemistry = chemistry
        self.masses = masses
        self.massBasis = massBasis
        self.nominalSpecificCapacity = nominalSpecificCapacity
        self.nominalCapacity = nominalCapacity
        self.areaCm2 = areaCm2
        self.activeAmountMol = activeAmountMol
        self.molarVolumeCm3PerMol = molarVolumeCm3PerMol
        self.interfacialAreaCm2 = interfacialAreaCm2
        self.notes = notes
    }

    /// Mass in grams on the named basis, or on the declared default basis.
    public func mass(basis: String? = nil) -> Double? {
        guard let key = basis ?? massBasis ?? (masses.count == 1 ? masses.keys.first : nil) else { return nil }
        return masses[key]
    }

    /// 1C in amperes: the nominal capacity over one hour.
    public var oneCAmperes: Double? {
        if let q = nominalCapacity { return q }
        if let spec = nominalSpecificCapacity, let m = mass() { return spec * m }
        return nil
    }
}
