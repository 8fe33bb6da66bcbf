import Foundation

/// The linear map between a register's raw number and its SI value, as a profile states it.
///
/// Three spellings, all linear:
/// - `scale`/`offset`: SI = raw × scale + offset (e.g. a 10 mV count: `scale = 0.01`);
/// - `raw_full_scale` + `value_full_scale = "80 V"`: SI = raw × 80 V / raw_full_scale;
/// - `raw_full_scale` + `value_full_scale = "100 % of nominal_voltage"`: relative to the device's
///   own rating, read from another register at connect time. EA: 0xCCCC (52428) = 100 % of the
///   nominal value, so a PSB with 80 V nominal has one count = 80 / 52428 V ≈ 1.53 mV.
public enum RegisterScaling: Sendable, Hashable {
    /// Raw numbers are the values (float registers in SI, status words, codes).
    case identity
    case linear(scale: Double, offset: Double)
    /// `rawFullScale` raw counts = `fraction` × the SI value of register `nominal`.
    case fractionOfNominal(rawFullScale: Double, fraction: Double, nominal: String)

    /// The register whose value this scaling needs, if any.
    public var nominalRegister: String? {
        if case .fractionOfNominal(_, _, let n) = self { return n }
        return nil
    }

    /// The concrete map, given the nominal values read from the device (SI, by register name).
    public func resolved(nominals: [String: Double] = [:]) throws(ScalingError) -> LinearScaling {
        switch self {
        case .identity:
            return LinearScaling(scale: 1, offset: 0)
        case .linear(let scale, let offset):
            return LinearScaling(scale: scale, offset: offset)
        case .fractionOfNominal(let raw, let fraction, let name):
            guard let nominal = nominals[name] else { throw .missingNominal(name) }
            guard nominal.isFinite, nominal > 0 else { throw .badNominal(name, nominal) }
            return LinearScaling(scale: fraction * nominal / raw, offset: 0)
        }
    }
}

/// SI = raw × scale + offset, and back. Pure and total; rounding and range checks are the
/// converter's business.
public struct LinearScaling: Sendable, Hashable {
    public var scale: Double
    public var offset: Double

    public init(scale: Double, offset: Double = 0) {
        self.scale = scale
        self.offset = offset
    }

    public func si(fromRaw raw: Double) -> Double { raw * scale + offset }
    /// The exact (unrounded) raw number for an SI value.
    public func raw(fromSI si: Double) -> Double { (si - offset) / scale }
}

/// Why an SI value cannot be written or read through a register.
public enum ScalingError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingNominal(String)
    case badNominal(String, Double)
    /// The value maps outside the raw range the device accepts.
    case outOfRange(register: String, value: Double, range: ClosedRange<Double>, unit: String)
    case notFinite(register: String)
    case notNumeric(register: String)
    case shortRead(register: String, expected: Int, got: Int)

    /// Six significant digits: enough to see a limit, without float noise.
    static func short(_ v: Double) -> String {
        String(format: "%.6g", v)
    }

    public var description: String {
        switch self {
        case .missingNominal(let n):
            "the scaling needs the device's '\(n)' value, which has not been read"
        case .badNominal(let n, let v):
            "the device reported \(n) = \(v), which cannot scale a register"
        case .outOfRange(let r, let v, let range, let unit):
            "\(r): \(Self.short(v)) \(unit) is outside what the register can carry (\(Self.short(range.lowerBound)) … \(Self.short(range.upperBound)) \(unit))"
        case .notFinite(let r):
            "\(r): value is not a finite number"
        case .notNumeric(let r):
            "\(r): not a numeric register"
        case .shortRead(let r, let e, let g):
            "\(r): expected \(e) registers, got \(g)"
        }
    }
}
