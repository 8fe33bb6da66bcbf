/// Small dense linear algebra for the fits: a handful of parameters (LM) or a few dozen (lin-KK).
/// Matrices are row-major [[Double]].
enum DenseLinearAlgebra {
    /// Solves A·x = b by Gaussian elimination with partial pivoting; nil if A is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a
        var x = b
        for col in 0..<n {
            var pivot = col
            for r in col + 1..<n where abs(m[r][col]) > abs(m[pivot][col]) { pivot = r }
            guard m[pivot][col] != 0, m[pivot][col].isFinite else { return nil }
            if pivot != col {
                m.swapAt(pivot, col)
                x.swapAt(pivot, col)
            }
            for r in col + 1..<n {
                let factor = m[r][col] / m[col][col]
                if factor == 0 { continue }
                for c in col..<n { m[r][c] -= factor * m[col][c] }
                x[r] -= factor * x[col]
            }
        }
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = x[r]
            for c in r + 1..<n { s -= m[r][c] * x[c] }
            x[r] = s / m[r][r]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// A⁻¹ column by column; nil if singular.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var columns: [[Double]] = []
        for k in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[k] = 1
            guard let col = solve(a, e) else { return nil }
            columns.append(col)
        }
        return (0..<n).map { r in (0..<n).map { c in columns[c][r] } }
    }

    /// Least squares min‖A·x − b‖ by Householder QR (no normal equations: lin-KK's design matrix
    /// of many RC elements is too ill-conditioned to square). Columns that are numerically
    /// dependent get x = 0. `a` has rows.count ≥ columns.
    static func leastSquares(_ a: [[Double]], _ b: [Double]) -> [Double] {
        let rows = a.count, cols = a.first?.count ?? 0
        var r = a
        var y = b
        var diagonal = [Double](repeating: 0, count: cols)
        for k in 0..<min(cols, rows) {
            var norm = 0.0
            for i in k..<rows { norm += r[i][k] * r[i][k] }
            norm = norm.squareRoot()
            guard norm > 0 else { diagonal[k] = 0; continue }
            let alpha = r[k][k] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: rows)
            for i in k..<rows { v[i] = r[i][k] }
            v[k] -= alpha
            var vv = 0.0
            for i in k..<rows { vv += v[i] * v[i] }
            guard vv > 0 else { diagonal[k] = r[k][k]; continue }
            for c in k..<cols {
                var s = 0.0
                for i in k..<rows { s += v[i] * r[i][c] }
                let f = 2 * s / vv
                for i in k..<rows { r[i][c] -= f * v[i] }
            }
            var s = 0.0
            for i in k..<rows { s += v[i] * y[i] }
            let f = 2 * s / vv
            for i in k..<rows { y[i] -= f * v[i] }
            diagonal[k] = r[k][k]
        }
        let scale = diagonal.map(abs).max() ?? 0
        var x = [Double](repeating: 0, count: cols)
        for k in stride(from: min(cols, rows) - 1, through: 0, by: -1) {
            guard abs(r[k][k]) > 1e-13 * scale else { x[k] = 0; continue }
            var s = y[k]
            for c in k + 1..<cols { s -= r[k][c] * x[c] }
            x[k] = s / r[k][k]
        }
        return x
    }
}
