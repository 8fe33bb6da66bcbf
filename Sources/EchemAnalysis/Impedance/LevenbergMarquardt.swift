/// Levenberg–Marquardt for small nonlinear least squares: minimise Σ rᵢ(u)² over u.
/// The Jacobian is taken by central differences (the models are cheap; a handful of parameters).
struct LevenbergMarquardt {
    var maxIterations = 300
    /// Stop when an accepted step lowers χ² by less than this fraction.
    var relativeTolerance = 1e-12

    struct Outcome {
        var parameters: [Double]
        var chiSquare: Double
        var iterations: Int
        var converged: Bool
    }

    func minimise(start: [Double], residuals: ([Double]) -> [Double]) -> Outcome {
        var u = start
        var r = residuals(u)
        var chi2 = Self.sumOfSquares(r)
        guard chi2.isFinite else { return Outcome(parameters: u, chiSquare: chi2, iterations: 0, converged: false) }
        var lambda = 1e-3
        var iterations = 0
        var converged = false
        outer: while iterations < maxIterations {
            iterations += 1
            let j = Self.jacobian(at: u, residuals: residuals)
            let (a, g) = Self.normalEquations(j, r)
            let floor = 1e-12 * (a.indices.map { a[$0][$0] }.max() ?? 1)
            while true {
                var damped = a
                for k in a.indices { damped[k][k] += lambda * max(a[k][k], floor) }
                if let step = DenseLinearAlgebra.solve(damped, g.map { -$0 }) {
                    let trial = zip(u, step).map { $0 + $1 }
                    let rTrial = residuals(trial)
                    let chiTrial = Self.sumOfSquares(rTrial)
                    if chiTrial.isFinite && chiTrial <= chi2 {
                        let gain = chi2 - chiTrial
                        u = trial
                        r = rTrial
                        chi2 = chiTrial
                        lambda = max(lambda / 10, 1e-15)
                        if gain <= relativeTolerance * chi2 || chi2 == 0 {
                            converged = true
                            break outer
                        }
                        break
                    }
                }
                lambda *= 10
                if lambda > 1e15 {
                    // No step in any direction lowers χ²: a minimum to working precision.
                    converged = true
                    break outer
                }
            }
        }
        return Outcome(parameters: u, chiSquare: chi2, iterations: iterations, converged: converged)
    }

    static func sumOfSquares(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }

    /// J[i][k] = ∂rᵢ/∂u_k by central differences.
    static func jacobian(at u: [Double], residuals: ([Double]) -> [Double]) -> [[Double]] {
        var columns: [[Double]] = []
        for k in u.indices {
            let h = 1e-6 * max(1, abs(u[k]))
            var up = u, down = u
            up[k] += h
            down[k] -= h
            let rUp = residuals(up), rDown = residuals(down)
            columns.append(zip(rUp, rDown).map { ($0 - $1) / (2 * h) })
        }
        let rows = columns.first?.count ?? 0
        return (0..<rows).map { i in columns.map { $0[i] } }
    }

    /// JᵀJ and Jᵀr.
    static func normalEquations(_ j: [[Double]], _ r: [Double]) -> ([[Double]], [Double]) {
        let p = j.first?.count ?? 0
        var a = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        var g = [Double](repeating: 0, count: p)
        for (row, ri) in zip(j, r) {
            for x in 0..<p {
                g[x] += row[x] * ri
                for y in x..<p { a[x][y] += row[x] * row[y] }
            }
        }
        for x in 0..<p { for y in 0..<x { a[x][y] = a[y][x] } }
        return (a, g)
    }
}
