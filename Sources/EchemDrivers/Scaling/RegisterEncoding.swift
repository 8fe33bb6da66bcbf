/// How a value sits in 16-bit Modbus registers. Bytes within a word are always big-endian
/// (Modbus says so); what varies between devices is the order of the words of a 32-bit value.
public enum RegisterValueType: String, Sendable, Hashable, CaseIterable {
    case u16, i16, u32, i32, f32
    /// ASCII text over `length` registers, two characters each (EA's identity strings).
    case string
    /// One coil or discrete input.
    case bit

    /// Registers one value takes (strings: their `length`; bits: one bit address).
    public var fixedWords: Int? {
        switch self {
        case .u16, .i16, .bit: 1
        case .u32, .i32, .f32: 2
        case .string: nil
        }
    }

    public var isInteger: Bool { self == .u16 || self == .i16 || self == .u32 || self == .i32 }
    public var isNumeric: Bool { isInteger || self == .f32 }

    /// The raw numbers the type can hold.
    public var rawRange: ClosedRange<Double> {
        switch self {
        case .u16: 0...65_535
        case .i16: -32_768...32_767
        case .u32: 0...4_294_967_295
        case .i32: -2_147_483_648...2_147_483_647
        case .f32: -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
        case .bit: 0...1
        case .string: 0...0
        }
    }
}

/// Which word of a 32-bit value comes first.
public enum WordOrder: String, Sendable, Hashable, CaseIterable {
    /// High word first ("ABCD"): `modbus_get_float_abcd`. EA and Maynuo.
    case big
    /// Low word first ("CDAB"): `modbus_get_float_cdab`.
    case little
}

/// Pure conversions between register words and the raw number they hold.
public struct RegisterEncoding: Sendable, Hashable {
    public var type: RegisterValueType
    public var wordOrder: WordOrder
    /// Registers per value.
    public var words: Int

    public init(type: RegisterValueType, wordOrder: WordOrder = .big, words: Int? = nil) {
        self.type = type
        self.wordOrder = wordOrder
        self.words = type.fixedWords ?? max(1, words ?? 1)
    }

    /// The raw number in `words` (which must hold `self.words` registers).
    public func decode(_ words: [UInt16]) -> Double {
        precondition(words.count >= self.words, "\(type) needs \(self.words) registers, got \(words.count)")
        switch type {
        case .u16, .bit: return Double(words[0])
        case .i16: return Double(Int16(bitPattern: words[0]))
        case .u32: return Double(combined(words))
        case .i32: return Double(Int32(bitPattern: combined(words)))
        case .f32: return Double(Float(bitPattern: combined(words)))
        case .string: return .nan
        }
    }

    /// The words holding `raw`, or nil if the type cannot hold it exactly (a fraction in an
    /// integer type, a number out of range, a NaN).
    public func encode(_ raw: Double) -> [UInt16]? {
        guard raw.isFinite, type.rawRange.contains(raw) else { return nil }
        switch type {
        case .u16, .bit:
            guard let v = UInt16(exactly: raw) else { return nil }
            return [v]
        case .i16:
            guard let v = Int16(exactly: raw) else { return nil }
            return [UInt16(bitPattern: v)]
        case .u32:
            guard let v = UInt32(exactly: raw) else { return nil }
            return split(v)
        case .i32:
            guard let v = Int32(exactly: raw) else { return nil }
            return split(UInt32(bitPattern: v))
        case .f32:
            return split(Float(raw).bitPattern)
        case .string:
            return nil
        }
    }

    /// ASCII text of a string register block, without the NULs and spaces that pad it.
    public func decodeString(_ words: [UInt16]) -> String {
        var bytes: [UInt8] = []
        for w in words.prefix(self.words) { bytes.append(UInt8(w >> 8)); bytes.append(UInt8(w & 0xFF)) }
        let text = bytes.prefix { $0 != 0 }.map { $0 < 0x80 ? Character(Unicode.Scalar($0)) : "?" }
        return String(text).trimmingCharacters(in: " ")
    }

    private func combined(_ w: [UInt16]) -> UInt32 {
        let (hi, lo) = wordOrder == .big ? (w[0], w[1]) : (w[1], w[0])
        return UInt32(hi) << 16 | UInt32(lo)
    }

    private func split(_ v: UInt32) -> [UInt16] {
        let hi = UInt16(v >> 16), lo = UInt16(v & 0xFFFF)
        return wordOrder == .big ? [hi, lo] : [lo, hi]
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set { s = s.dropLast() }
        while s.first == set { s = s.dropFirst() }
        return String(s)
    }
}
