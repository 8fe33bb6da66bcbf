/// Ordinary least squares y = intercept + slope·x, with the standard errors the textbooks give
/// (residual variance s² = SSR/(n−2)). The workhorse of the scan-rate analyses.
public struct StraightLineFit: Sendable, Hashable, Codable {
    public var slope: Double
    public var intercept: Double
    /// Coefficient of determination (1 = every point on the line).
    public var r2: Double
    /// Standard error of the slope, √(s²/Sxx); nil with only two points (no residual freedom).
    public var slopeStandardError: Double?
    /// Standard error of the intercept, √(s²·Σx²/(n·Sxx)); nil with only two points.
    public var interceptStandardError: Double?
    public var count: Int

    /// nil when there are fewer than two points or every x is the same.
    public init?(x: [Double], y: [Double]) {
        let n = min(x.count, y.count)
        guard n >= 2 else { return nil }
        let count = Double(n)
        let mx = x.prefix(n).reduce(0, +) / count
        let my = y.prefix(n).reduce(0, +) / count
        var sxx = 0.0, sxy = 0.0, syy = 0.0, sumX2 = 0.0
        for k in 0..<n {
            let dx = x[k] - mx, dy = y[k] - my
            sxx += dx * dx
            sxy += dx * dy
            syy += dy * dy
            sumX2 += x[k] * x[k]
        }
        guard sxx > 0, sxx.isFinite, syy.isFinite else { return nil }
        slope = sxy / sxx
        intercept = my - slope * mx
        let ssr = max(0, syy - slope * sxy)
        r2 = syy > 0 ? 1 - ssr / syy : 1
        if n > 2 {
            let s2 = ssr / (count - 2)
            slopeStandardError = (s2 / sxx).squareRoot()
            interceptStandardError = (s2 * sumX2 / (count * sxx)).squareRoot()
        }
        self.count = n
    }
}
