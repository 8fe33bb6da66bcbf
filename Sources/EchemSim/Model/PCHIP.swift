/// Monotone piecewise-cubic Hermite interpolant (Fritsch–Carlson): never overshoots the data,
/// so a plateau-rich OCV table stays monotone between its knots.
///
/// Knot derivatives: zero at a local extremum, else the weighted harmonic mean of the two secant
/// slopes (Fritsch–Butland weights); one-sided three-point end slopes limited to keep the shape.
/// The cubic of each interval is stored as y_k + b_k·t + c_k·t² + d_k·t³ with t = x − x_k.
public struct PCHIP: Sendable, Hashable {
    public let x: [Double]
    public let y: [Double]
    private let b: [Double]
    private let c: [Double]
    private let d: [Double]

    /// `x` strictly increasing, same length as `y`, at least two points.
    public init(x: [Double], y: [Double]) {
        precondition(x.count >= 2 && x.count == y.count, "PCHIP needs ≥ 2 points of equal length")
        let n = x.count
        var h = [Double](repeating: 0, count: n - 1)
        var delta = [Double](repeating: 0, count: n - 1)
        for k in 0..<(n - 1) {
            h[k] = x[k + 1] - x[k]
            delta[k] = (y[k + 1] - y[k]) / h[k]
        }
        var m = [Double](repeating: 0, count: n)
        if n == 2 {
            m[0] = delta[0]
            m[1] = delta[0]
        } else {
            for k in 1..<(n - 1) {
                if delta[k - 1] * delta[k] <= 0 {
                    m[k] = 0
                } else {
                    let w1 = 2 * h[k] + h[k - 1]
                    let w2 = h[k] + 2 * h[k - 1]
                    m[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k])
                }
            }
            m[0] = PCHIP.endSlope(h0: h[0], h1: h[1], d0: delta[0], d1: delta[1])
            m[n - 1] = PCHIP.endSlope(h0: h[n - 2], h1: h[n - 3], d0: delta[n - 2], d1: delta[n - 3])
        }
        var b = [Double](repeating: 0, count: n - 1)
        var c = [Double](repeating: 0, count: n - 1)
        var d = [Double](repeating: 0, count: n - 1)
        for k in 0..<(n - 1) {
            b[k] = m[k]
            c[k] = (3 * delta[k] - 2 * m[k] - m[k + 1]) / h[k]
            d[k] = (m[k] + m[k + 1] - 2 * delta[k]) / (h[k] * h[k])
        }
        self.x = x
        self.y = y
        self.b = b
        self.c = c
        self.d = d
        self.endSlopes = (m[0], m[n - 1])
    }

    /// Derivatives at the first and last knot (used for extrapolation).
    public let endSlopes: (first: Double, last: Double)

    public static func == (l: PCHIP, r: PCHIP) -> Bool { l.x == r.x && l.y == r.y }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(x)
        hasher.combine(y)
    }

    /// Three-point end slope, set to 0 if it has the wrong sign and limited to 3× the secant.
    private static func endSlope(h0: Double, h1: Double, d0: Double, d1: Double) -> Double {
        var s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
        if s * d0 <= 0 {
            s = 0
        } else if d0 * d1 <= 0, abs(s) > abs(3 * d0) {
            s = 3 * d0
        }
        return s
    }

    /// Interval index k with x[k] ≤ v < x[k+1], clamped to [0, n−2].
    @inline(__always)
    public func interval(_ v: Double) -> Int {
        var lo = 0
        var hi = x.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if x[mid] <= v { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// Value and slope inside the table; callers handle points outside [x₀, x_n].
    @inline(__always)
    public func valueAndSlope(_ v: Double, interval k: Int) -> (value: Double, slope: Double) {
        let t = v - x[k]
        let bk = b[k], ck = c[k], dk = d[k]
        return (y[k] + t * (bk + t * (ck + t * dk)), bk + t * (2 * ck + 3 * t * dk))
    }

    /// Value and slope at any point, with linear extrapolation along the end slopes.
    public func valueAndSlope(_ v: Double) -> (value: Double, slope: Double) {
        if v <= x[0] { return (y[0] + endSlopes.first * (v - x[0]), endSlopes.first) }
        let n = x.count
        if v >= x[n - 1] { return (y[n - 1] + endSlopes.last * (v - x[n - 1]), endSlopes.last) }
        return valueAndSlope(v, interval: interval(v))
    }

    public func callAsFunction(_ v: Double) -> Double { valueAndSlope(v).value }
}
