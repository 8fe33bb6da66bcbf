import EchemCore

/// Why an impedance analysis could not run: what was wrong and what would be valid.
public struct ImpedanceAnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A spectrum checked for analysis: sorted from the highest frequency down, as an FRA sweeps.
struct CheckedSpectrum {
    var hertz: [Double]
    var z: [ComplexValue]
    var count: Int { hertz.count }

    init(_ points: [ImpedancePoint], minimum: Int, purpose: String) throws {
        guard points.count >= minimum else {
            throw ImpedanceAnalysisError("\(points.count) points: \(purpose) needs at least \(minimum)")
        }
        for (k, p) in points.enumerated() {
            guard p.frequencyHz.isFinite, p.frequencyHz > 0 else {
                throw ImpedanceAnalysisError("point \(k): frequency \(p.frequencyHz) Hz; frequencies must be finite and > 0")
            }
            guard p.real.isFinite, p.imaginary.isFinite, p.magnitude > 0 else {
                throw ImpedanceAnalysisError("point \(k) at \(p.frequencyHz) Hz: Z = \(p.real) + \(p.imaginary)j Ω; "
                                             + "Z must be finite and not zero")
            }
        }
        let sorted = points.sorted { $0.frequencyHz > $1.frequencyHz }
        for k in 1..<sorted.count where sorted[k].frequencyHz == sorted[k - 1].frequencyHz {
            throw ImpedanceAnalysisError("frequency \(sorted[k].frequencyHz) Hz appears twice: each frequency once, please")
        }
        hertz = sorted.map(\.frequencyHz)
        z = sorted.map { ComplexValue($0.real, $0.imaginary) }
    }
}
