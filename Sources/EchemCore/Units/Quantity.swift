/// A number with its dimension, as written in a protocol. `value` is in the dimension's SI unit
/// (`PhysicalDimension.siUnit`): 140 mA/g is 0.14 A/g, C/10 is 0.1 (C-rate), 4.2 V is 4.2.
/// Relative kinds stay relative until `resolved(against:)` turns them into A or Ah.
public struct Quantity: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: Double
    public var dimension: PhysicalDimension
    /// The mass basis named after a specific unit (`mA/g sulfur` → "sulfur"); nil = the cell's default.
    public var basis: String?
    /// As written ("140 mA/g", "C/10"), for messages and explain output.
    public var text: String

    public init(_ value: Double, _ dimension: PhysicalDimension, basis: String? = nil, text: String? = nil) {
        self.value = value
        self.dimension = dimension
        self.basis = basis
        self.text = text ?? Quantity.defaultText(value, dimension, basis)
    }

    public var description: String { text }

    /// The same quantity with its sign flipped (a discharge magnitude becomes a negative current).
    public var negated: Quantity {
        var q = self
        q.value = -value
        return q
    }

    /// The magnitude (for `|I| <= C/50`).
    public var magnitude: Quantity {
        var q = self
        q.value = abs(value)
        return q
    }

    static func defaultText(_ value: Double, _ dimension: PhysicalDimension, _ basis: String?) -> String {
        if dimension == .cRate { return "\(SIFormat.number(value))C" }
        let b = basis.map { " \($0)" } ?? ""
        return SIFormat.format(value, unit: dimension.siUnit) + b
    }
}
