/// echemd's one sign convention, as BDF and Neware: **positive current charges the cell**.
/// Formats with the opposite habit (PyBaMM: positive = discharge) are flipped at the parser.
public enum SignConvention {
    /// Convert a PyBaMM-style current (positive = discharge) to echemd's (positive = charge).
    @inlinable public static func fromDischargePositive(_ amperes: Double) -> Double { -amperes }
}
