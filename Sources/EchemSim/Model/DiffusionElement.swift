import Foundation

/// Solid-state diffusion across a planar layer, in SOC units: ∂c/∂t = (1/τ_D)·∂²c/∂x² on x ∈ [0, 1],
/// no flux at x = 0 (current collector), flux j = I_host/(3600·Q) (SOC per second) in at x = 1.
///
/// Space: finite volumes, finer towards the surface where the √t transient lives:
/// H·dc/dt = −(1/τ_D)·K·c + e_s·j with H = diag(widths) and K the symmetric tridiagonal coupling.
/// Time: the semi-discrete system is diagonalised once (S = H^{-1/2} K H^{-1/2} = Q Λ Qᵀ, Jacobi), and
/// each mode a_m is stepped exactly for a current held over Δt (zero-order hold):
/// a_m ← e^{−λ_m Δt/τ_D}·a_m + j·φ_m·τ_D(1 − e^{−λ_m Δt/τ_D})/λ_m. Unconditionally stable, exact in
/// time, O(N) with no recurrences (a tridiagonal solve is latency-bound and was 80 % of a step).
/// Mode 0 is the uniform profile (λ = 0): its amplitude is the mean SOC. The surface SOC is affine
/// in the current, z_surf = free + gain·j, which the CV/CP/CR solvers use directly.
public struct DiffusionElement: Sendable {
    public let nodes: Int
    /// Cell widths (sum 1), the last one at the surface.
    public let widths: [Double]
    /// Eigenvalues of S (λ₀ = 0) and eigenvectors (column m at m·N … m·N+N−1).
    let eigenvalues: [Double]
    let eigenvectors: [Double]
    /// Surface-node value of a unit amplitude of each mode: φ_m = Q_{s,m}/√h_s (also its flux input).
    let surfaceWeights: [Double]
    // Per-(Δt, τ_D) factors.
    private var decay: [Double]
    private var response: [Double]
    private var surfaceDecay: [Double]
    private var cachedDt = Double.nan
    private var cachedTau = Double.nan
    /// dz_surf/dj over one step (s), including the half-cell extrapolation to the surface.
    public private(set) var surfaceGain = 0.0

    /// `nodes` cells with widths growing by `ratio` from the surface inwards.
    public init(nodes: Int = 24, ratio: Double = 1.15) {
        precondition(nodes >= 3)
        self.nodes = nodes
        var w = (0..<nodes).map { k in pow(ratio, Double(nodes - 1 - k)) }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        widths = w
        // K: coupling 1/(centre distance) between neighbours; S = H^{-1/2} K H^{-1/2}.
        let g = (0..<(nodes - 1)).map { k in 2 / (w[k] + w[k + 1]) }
        var s = [Double](repeating: 0, count: nodes * nodes)
        for k in 0..<nodes {
            var diag = 0.0
            if k > 0 { diag += g[k - 1] }
            if k < nodes - 1 {
                diag += g[k]
                let off = -g[k] / (w[k] * w[k + 1]).squareRoot()
                s[k * nodes + k + 1] = off
                s[(k + 1) * nodes + k] = off
            }
            s[k * nodes + k] = diag / w[k]
        }
        var (lambda, q) = DiffusionElement.jacobiEigen(s, n: nodes)
        // The uniform profile is the exact null mode: put it first, exactly.
        let zero = lambda.indices.min { abs(lambda[$0]) < abs(lambda[$1]) }!
        lambda.swapAt(0, zero)
        for k in 0..<nodes { q.swapAt(k, zero * nodes + k) }
        lambda[0] = 0
        for k in 0..<nodes { q[k] = w[k].squareRoot() }
        eigenvalues = lambda
        eigenvectors = q
        let hs = w[nodes - 1]
        surfaceWeights = (0..<nodes).map { m in q[m * nodes + nodes - 1] / hs.squareRoot() }
        decay = [Double](repeating: 1, count: nodes)
        response = [Double](repeating: 0, count: nodes)
        surfaceDecay = [Double](repeating: 0, count: nodes)
    }

    /// Modal amplitudes of a uniform profile at SOC `z`.
    public func uniformModes(_ z: Double) -> [Double] {
        var a = [Double](repeating: 0, count: nodes)
        a[0] = z  // mean = Σ √h_k·y_k with y = √h·z, and Σ h = 1
        return a
    }

    /// The profile (SOC per cell, surface last) from modal amplitudes: c = H^{-1/2}·Q·a.
    public func profile(fromModes a: [Double]) -> [Double] {
        (0..<nodes).map { k in
            var y = 0.0
            for m in 0..<nodes { y += eigenvectors[m * nodes + k] * a[m] }
            return y / widths[k].squareRoot()
        }
    }

    /// Modal amplitudes of a profile: a = Qᵀ·H^{1/2}·c.
    public func modes(fromProfile c: [Double]) -> [Double] {
        (0..<nodes).map { m in
            var s = 0.0
            for k in 0..<nodes { s += eigenvectors[m * nodes + k] * widths[k].squareRoot() * c[k] }
            return s
        }
    }

    /// Recompute the step factors if Δt or τ_D changed since the last call.
    @inline(__always)
    public mutating func prepare(dt: Double, tau: Double) {
        if dt != cachedDt || tau != cachedTau { factorise(dt: dt, tau: tau) }
    }

    private mutating func factorise(dt: Double, tau: Double) {
        cachedDt = dt
        cachedTau = tau
        var gain = 0.5 * widths[nodes - 1] * tau
        for m in 0..<nodes {
            let x = eigenvalues[m] * dt / tau
            let e = exp(-x)
            // τ(1 − e^{−x})/λ, → Δt as λ → 0 (expm1 keeps it accurate for slow modes).
            let integral = x < 1e-12 ? dt : -expm1(-x) * tau / eigenvalues[m]
            decay[m] = e
            response[m] = surfaceWeights[m] * integral
            surfaceDecay[m] = surfaceWeights[m] * e
            gain += surfaceWeights[m] * response[m]
        }
        surfaceGain = gain
    }

    /// Surface SOC at the end of the step if no current flowed.
    @inline(__always)
    public func freeSurface(_ modes: [Double]) -> Double {
        var s = 0.0
        modes.withUnsafeBufferPointer { a in
            surfaceDecay.withUnsafeBufferPointer { f in
                for m in 0..<nodes { s += f[m] * a[m] }
            }
        }
        return s
    }

    /// Commit a step with flux `j` (SOC/s).
    @inline(__always)
    public func commit(flux j: Double, into modes: inout [Double]) {
        decay.withUnsafeBufferPointer { e in
            response.withUnsafeBufferPointer { r in
                modes.withUnsafeMutableBufferPointer { a in
                    for m in 0..<nodes { a[m] = e[m] * a[m] + j * r[m] }
                }
            }
        }
    }

    /// Surface SOC of the present modes with a flux `j` across the surface (0 at rest).
    public func surface(of modes: [Double], flux j: Double, tau: Double) -> Double {
        var s = 0.5 * widths[nodes - 1] * tau * j
        for m in 0..<nodes { s += surfaceWeights[m] * modes[m] }
        return s
    }

    /// Cyclic Jacobi eigen-decomposition of a symmetric n×n matrix (row-major). Returns eigenvalues
    /// and eigenvectors as columns stored contiguously (vector m at m·n …).
    static func jacobiEigen(_ matrix: [Double], n: Int) -> ([Double], [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)  // v[k*n + m]: component k of vector m
        for k in 0..<n { v[k * n + k] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for r in (p + 1)..<n { off += a[p * n + r] * a[p * n + r] } }
            if off < 1e-30 { break }
            for p in 0..<(n - 1) {
                for r in (p + 1)..<n {
                    let apr = a[p * n + r]
                    if abs(apr) < 1e-300 { continue }
                    let theta = (a[r * n + r] - a[p * n + p]) / (2 * apr)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akr = a[k * n + r]
                        a[k * n + p] = c * akp - s * akr
                        a[k * n + r] = s * akp + c * akr
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], ark = a[r * n + k]
                        a[p * n + k] = c * apk - s * ark
                        a[r * n + k] = s * apk + c * ark
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkr = v[k * n + r]
                        v[k * n + p] = c * vkp - s * vkr
                        v[k * n + r] = s * vkp + c * vkr
                    }
                }
            }
        }
        let values = (0..<n).map { a[$0 * n + $0] }
        var columns = [Double](repeating: 0, count: n * n)
        for m in 0..<n { for k in 0..<n { columns[m * n + k] = v[k * n + m] } }
        return (values, columns)
    }
}
