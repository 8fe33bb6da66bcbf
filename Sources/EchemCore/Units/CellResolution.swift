/// What a relative quantity needs from the cell before it means amperes or ampere-hours.
public enum CellRequirement: Error, Sendable, Hashable, CustomStringConvertible {
    /// A C-rate needs 1C: `nominal_capacity`, or `nominal_specific_capacity` with a mass.
    case oneC
    /// A per-gram quantity needs the mass on a basis (nil = the default basis).
    case mass(basis: String?)
    /// A per-cm² quantity needs the electrode area.
    case area

    public var description: String {
        switch self {
        case .oneC: return "the cell's 1C (cell.nominal_capacity, or cell.nominal_specific_capacity with a mass)"
        case .mass(let b?): return "the cell's '\(b)' mass (cell.masses.\(b))"
        case .mass(nil): return "the cell's mass (cell.masses with cell.mass_basis)"
        case .area: return "the cell's electrode area (cell.area)"
        }
    }
}

/// A relative quantity turned into SI, with the arithmetic shown
/// (`140 mA/g × 0.7917 mg (composite) = 110.8 µA`).
public struct Resolved: Sendable, Hashable {
    /// A for currents, Ah for capacities; the absolute quantity's own SI value otherwise.
    public var value: Double
    /// nil when nothing was resolved (the quantity was already absolute).
    public var explanation: String?

    public init(value: Double, explanation: String? = nil) {
        self.value = value
        self.explanation = explanation
    }
}

extension Quantity {
    /// The SI value: currents in A and capacities in Ah once relative kinds are multiplied out;
    /// every other dimension unchanged. Fails with what the cell lacks.
    public func resolved(against cell: CellMetadata?) -> Result<Resolved, CellRequirement> {
        switch dimension {
        case .cRate:
            guard let oneC = cell?.oneCAmperes else { return .failure(.oneC) }
            let a = value * oneC
            return .success(Resolved(value: a, explanation:
                "\(text) × \(SIFormat.format(oneC, unit: "A")) (1C) = \(SIFormat.format(a, unit: "A"))"))
        case .specificCurrent, .specificCapacity:
            let key = basis ?? cell?.massBasis ?? (cell?.masses.count == 1 ? cell?.masses.keys.first : nil)
            guard let cell, let m = cell.mass(basis: basis) else { return .failure(.mass(basis: basis)) }
            let si = value * m
            let unit = dimension == .specificCurrent ? "A" : "Ah"
            let name = key.map { " (\($0))" } ?? ""
            return .success(Resolved(value: si, explanation:
                "\(text) × \(SIFormat.mass(m))\(name) = \(SIFormat.format(si, unit: unit))"))
        case .arealCurrent, .arealCapacity:
            guard let area = cell?.areaCm2 else { return .failure(.area) }
            let si = value * area
            let unit = dimension == .arealCurrent ? "A" : "Ah"
            return .success(Resolved(value: si, explanation:
                "\(text) × \(SIFormat.number(area)) cm² (area) = \(SIFormat.format(si, unit: unit))"))
        default:
            return .success(Resolved(value: value))
        }
    }

    /// What resolving needs, without a cell to resolve against (nil = nothing).
    public var cellRequirement: CellRequirement? {
        switch dimension {
        case .cRate: return .oneC
        case .specificCurrent, .specificCapacity: return .mass(basis: basis)
        case .arealCurrent, .arealCapacity: return .area
        default: return nil
        }
    }

    /// The dimension after resolution: relative currents become `.current`, relative capacities `.capacity`.
    public var resolvedDimension: PhysicalDimension {
        switch dimension {
        case .cRate, .specificCurrent, .arealCurrent: return .current
        case .specificCapacity, .arealCapacity: return .capacity
        default: return dimension
        }
    }
}
