extension Duration {
    /// The duration in seconds, as a Double (for clocks and benchmarks that mix with SI values).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
