/// Register words ↔ SI for one register, with its scaling resolved: the pure functions the driver
/// and the simulator both use, so they agree to the count.
public struct RegisterConverter: Sendable, Hashable {
    public var name: String
    public var encoding: RegisterEncoding
    public var scaling: LinearScaling
    /// Raw numbers the device accepts (from the profile's `raw_min`/`raw_max`, else the type's).
    public var rawRange: ClosedRange<Double>
    /// SI unit symbol for messages ("V", "A", "W"; empty for plain numbers).
    public var unit: String

    public init(name: String, encoding: RegisterEncoding, scaling: LinearScaling,
                rawRange: ClosedRange<Double>? = nil, unit: String = "") {
        self.name = name
        self.encoding = encoding
        self.scaling = scaling
        self.rawRange = rawRange ?? encoding.type.rawRange
        self.unit = unit
    }

    /// The SI value held in `words`.
    public func si(from words: [UInt16]) throws(ScalingError) -> Double {
        guard encoding.type.isNumeric || encoding.type == .bit else { throw .notNumeric(register: name) }
        guard words.count >= encoding.words else { throw .shortRead(register: name, expected: encoding.words, got: words.count) }
        return scaling.si(fromRaw: encoding.decode(words))
    }

    /// The raw number for `si`: rounded to the nearest count for integer types, refused (never
    /// clamped) outside `rawRange`, because a set-point silently cut short is a wrong set-point.
    public func raw(for si: Double) throws(ScalingError) -> Double {
        guard si.isFinite else { throw .notFinite(register: name) }
        guard encoding.type.isNumeric else { throw .notNumeric(register: name) }
        var raw = scaling.raw(fromSI: si)
        if encoding.type.isInteger { raw = raw.rounded(.toNearestOrAwayFromZero) }
        guard rawRange.contains(raw) else {
            throw .outOfRange(register: name, value: si, range: siRange, unit: unit)
        }
        return raw
    }

    /// The words to write for `si`.
    public func words(for si: Double) throws(ScalingError) -> [UInt16] {
        let raw = try raw(for: si)
        guard let words = encoding.encode(raw) else {
            throw .outOfRange(register: name, value: si, range: siRange, unit: unit)
        }
        return words
    }

    /// What the device will actually hold after writing `si` (`si` quantized to a count).
    public func quantized(_ si: Double) throws(ScalingError) -> Double {
        let raw = try raw(for: si)
        if encoding.type == .f32 { return scaling.si(fromRaw: Double(Float(raw))) }
        return scaling.si(fromRaw: raw)
    }

    /// The SI values the register can carry.
    public var siRange: ClosedRange<Double> {
        let a = scaling.si(fromRaw: rawRange.lowerBound), b = scaling.si(fromRaw: rawRange.upperBound)
        return min(a, b)...max(a, b)
    }

    /// One raw count in SI: the register's resolution. For a float register it depends on the
    /// value; this is the resolution at `si` (one unit in the last place of the float32).
    public func resolution(at si: Double = 0) -> Double {
        if encoding.type == .f32 {
            let raw = scaling.raw(fromSI: si)
            return Double(Float(raw).ulp) * abs(scaling.scale)
        }
        return abs(scaling.scale)
    }
}
