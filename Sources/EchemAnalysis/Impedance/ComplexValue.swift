import Foundation

/// Complex arithmetic for impedance models (EchemAnalysis depends on EchemCore only, so it keeps
/// its own small type rather than EchemSim's).
struct ComplexValue: Hashable {
    var re: Double
    var im: Double
    init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    var magnitude: Double { (re * re + im * im).squareRoot() }

    static func + (a: ComplexValue, b: ComplexValue) -> ComplexValue { ComplexValue(a.re + b.re, a.im + b.im) }
    static func * (a: ComplexValue, b: ComplexValue) -> ComplexValue {
        ComplexValue(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func * (a: Double, b: ComplexValue) -> ComplexValue { ComplexValue(a * b.re, a * b.im) }
    static func / (a: ComplexValue, b: ComplexValue) -> ComplexValue {
        let d = b.re * b.re + b.im * b.im
        return ComplexValue((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }

    /// (jω)^α = ω^α·e^{jαπ/2}.
    static func jOmega(_ omega: Double, power alpha: Double) -> ComplexValue {
        let m = pow(omega, alpha)
        return ComplexValue(m * cos(alpha * .pi / 2), m * sin(alpha * .pi / 2))
    }
}
