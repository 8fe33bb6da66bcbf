import EchemCore

extension SimulatedChannel {
    /// Why a cell cannot be simulated, said so a user can fix the cell file or the flags.
    public struct CellMismatch: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A simulated channel for the cell a job declares: its `chemistry` picks the parameter set,
    /// its mass on the set's basis (or its area, for Li-metal sets) sizes the model.
    public static func forCell(_ cell: CellMetadata?, samplePeriod: Double = 1, clock: Clock = .accelerated,
                               noise: Noise = .none, instrument: Instrument = .potentiostat,
                               chamber: Bool = true) throws -> SimulatedChannel {
        guard let cell, let name = cell.chemistry else {
            throw CellMismatch(description: "the cell names no chemistry: give `chemistry:` in the cell, or --chemistry "
                               + "(one of \(ChemistryLibrary.names.joined(separator: ", ")))")
        }
        let parameters: ChemistryParameters
        do { parameters = try ChemistryLibrary.named(name) } catch {
            throw CellMismatch(description: "unknown chemistry \(name) (expected one of \(ChemistryLibrary.names.joined(separator: ", ")))")
        }
        let capacity: Double
        if parameters.massBasis == "area_cm2" {
            guard let area = cell.areaCm2 else {
                throw CellMismatch(description: "chemistry \(name) is sized by electrode area: give `area:` in the cell")
            }
            capacity = parameters.specificCapacityAh * area
        } else if let grams = cell.masses[parameters.massBasis] ?? cell.mass() {
            capacity = parameters.specificCapacityAh * grams
        } else if let q = cell.nominalCapacity {
            capacity = q
        } else {
            // Protocols in volts and V/s only (CV, potentiostatic holds) need no size; the set's
            // reference cell is as good as any.
            capacity = parameters.referenceCapacityAh
        }
        return try SimulatedChannel(config: Config(
            parameters: parameters, capacityAh: capacity, samplePeriod: samplePeriod, clock: clock, noise: noise,
            chamber: chamber, instrument: instrument))
    }
}
