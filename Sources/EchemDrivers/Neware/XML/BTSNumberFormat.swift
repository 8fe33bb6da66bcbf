import Foundation

/// Numbers as BTS writes them: plain decimals, never exponent notation (aurora-neware turns a
/// value with a "." into a float and anything else into an int, so "1e-05" would break it).
public enum BTSNumberFormat {
    /// Up to 15 significant digits, trailing zeros trimmed: 3.6780698299408, -0.000295, 42000.
    public static func decimal(_ x: Double, significant: Int = 15) -> String {
        guard x.isFinite else { return "0" }
        if x == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(x))))
        let decimals = max(0, min(24, significant - 1 - magnitude))
        var s = String(format: "%.\(decimals)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// A step-file value: rounded to 6 decimals (µA in mA, µs in ms), e.g. "0.110812", "42000".
    public static func stepValue(_ x: Double) -> String { decimal((x * 1e6).rounded() / 1e6, significant: 15) }
}
