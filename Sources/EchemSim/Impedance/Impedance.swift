import Foundation

/// A complex number, just enough for impedance arithmetic.
public struct Complex: Sendable, Hashable, Codable {
    public var re: Double
    public var im: Double
    public init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    public var magnitude: Double { (re * re + im * im).squareRoot() }
    /// Phase in degrees.
    public var phaseDegrees: Double { atan2(im, re) * 180 / .pi }

    public static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    public static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    public static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    public static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    public static func * (a: Double, b: Complex) -> Complex { Complex(a * b.re, a * b.im) }

    /// Principal square root.
    public var squareRoot: Complex {
        let m = magnitude
        let r = ((m + re) / 2).squareRoot()
        let i = ((m - re) / 2).squareRoot()
        return Complex(r, im < 0 ? -i : i)
    }

    /// (jω)^α = ω^α·e^{jαπ/2}.
    public static func jOmega(_ omega: Double, power alpha: Double) -> Complex {
        let m = pow(omega, alpha)
        return Complex(m * cos(alpha * .pi / 2), m * sin(alpha * .pi / 2))
    }

    /// coth(x) for complex x, stable for large |Re x|.
    public var coth: Complex {
        if re > 20 { return Complex(1, 0) }
        if re < -20 { return Complex(-1, 0) }
        // coth(a+ib) = (sinh 2a − i sin 2b)/(cosh 2a − cos 2b)
        let d = cosh(2 * re) - cos(2 * im)
        return Complex(sinh(2 * re) / d, -sin(2 * im) / d)
    }
}

/// Circuit elements (ω = 2πf), named as in impedance.py's `elements.py` (formulas, not code).
public enum ImpedanceElement: Sendable, Hashable, Codable {
    case resistor(ohm: Double)
    case capacitor(farad: Double)
    case inductor(henry: Double)
    /// Z = 1/(Q(jω)^α).
    case cpe(q: Double, alpha: Double)
    /// Z = R/(1 + (jωτ)^α); α = 1 is an ideal RC pair.
    case zarc(ohm: Double, tau: Double, alpha: Double)
    /// R ∥ CPE (charge transfer with a non-ideal double layer).
    case resistorParallelCPE(ohm: Double, q: Double, alpha: Double)
    /// Finite-length reflective Warburg: Z = Z0·coth(√(jωτ))/√(jωτ) (capacitive at low f).
    case warburgOpen(z0: Double, tau: Double)
    /// Finite-length transmissive Warburg: Z = Z0·tanh(√(jωτ))/√(jωτ) (→ Z0 at low f).
    case warburgShort(z0: Double, tau: Double)
    /// Semi-infinite Warburg: Z = A(1 − j)/√ω.
    case warburg(a: Double)

    public func impedance(omega w: Double) -> Complex {
        switch self {
        case .resistor(let r): return Complex(r)
        case .capacitor(let c): return Complex(0, -1 / (w * c))
        case .inductor(let l): return Complex(0, w * l)
        case .cpe(let q, let a): return Complex(1) / (q * Complex.jOmega(w, power: a))
        case .zarc(let r, let tau, let a):
            return Complex(r) / (Complex(1) + Complex.jOmega(w * tau, power: a))
        case .resistorParallelCPE(let r, let q, let a):
            return Complex(r) / (Complex(1) + r * q * Complex.jOmega(w, power: a))
        case .warburgOpen(let z0, let tau):
            let s = Complex(0, w * tau).squareRoot
            return z0 * (s.coth / s)
        case .warburgShort(let z0, let tau):
            let s = Complex(0, w * tau).squareRoot
            return z0 * (Complex(1) / (s.coth * s))
        case .warburg(let a): return Complex(a / w.squareRoot(), -a / w.squareRoot())
        }
    }
}

/// Elements in series: the small-signal circuit an FRA sees.
public struct ImpedanceCircuit: Sendable, Hashable, Codable {
    public var elements: [ImpedanceElement]
    public init(_ elements: [ImpedanceElement]) { self.elements = elements }

    public func impedance(hertz f: Double) -> Complex {
        let w = 2 * Double.pi * f
        var z = Complex(0)
        for e in elements { z = z + e.impedance(omega: w) }
        return z
    }
}
