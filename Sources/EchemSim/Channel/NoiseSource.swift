import EchemCore
import Foundation

/// Deterministic Gaussian noise: xoshiro256** seeded through SplitMix64, Box–Muller for normals.
/// A value type with Codable state, so a restored channel continues the exact same sequence.
public struct NoiseSource: Sendable, Hashable, Codable {
    var s0: UInt64
    var s1: UInt64
    var s2: UInt64
    var s3: UInt64

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    @inline(__always)
    public mutating func nextUInt64() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in (0, 1].
    @inline(__always)
    public mutating func nextUniform() -> Double {
        Double((nextUInt64() >> 11) + 1) * 0x1p-53
    }

    /// Standard normal.
    @inline(__always)
    public mutating func nextGaussian() -> Double {
        let u1 = nextUniform()
        let u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
