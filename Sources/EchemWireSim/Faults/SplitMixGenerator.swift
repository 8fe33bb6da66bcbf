import EchemCore

/// Uniform draws in [0, 1) from EchemCore's SplitMix64, the same sequence on every platform.
struct SplitMixGenerator {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    /// 53 random bits as a Double in [0, 1).
    mutating func unit() -> Double {
        Double(source.next() >> 11) * 0x1p-53
    }
}
