import Foundation

/// Solid-state diffusion across a planar layer, in SOC units: ∂c/∂t = (1/τ_D)·∂²c/∂x² on x ∈ [0, 1],
/// no flux at x = 0 (current collector), flux j = I_eff/(3600·Q) (SOC per second) in at x = 1.
///
/// Finite volumes, finer towards the surface (where the √t transient lives), backward Euler in time:
/// one tridiagonal solve per step, factorised once per (Δt, τ_D). Because the step is linear,
/// the new profile is u + j·w with u = A⁻¹c (no current) and w = A⁻¹e_surface (unit flux), so the
/// surface SOC is affine in the current: z_surf = u_s + g·j. Controls that solve for the current use
/// that directly. The mean of the profile is the SOC, conserved to rounding.
public struct DiffusionElement: Sendable {
    public let nodes: Int
    /// Cell widths (sum 1), the last one at the surface.
    public let widths: [Double]
    /// 1/(centre distance) between cell k and k+1.
    private let inverseGaps: [Double]
    // Factorisation for the cached (Δt, τ_D).
    private var lower: [Double]
    private var upperPrime: [Double]
    private var inverseDiagonal: [Double]
    /// Response of the profile to a unit surface flux over one step.
    private(set) var unitResponse: [Double]
    /// Scratch: the profile after one step with no current.
    private(set) var freeProfile: [Double]
    private var cachedDt = Double.nan
    private var cachedTau = Double.nan
    /// dz_surf/dj over one step (s).
    public private(set) var surfaceGain = 0.0

    /// `nodes` cells with widths growing by `ratio` from the surface inwards.
    public init(nodes: Int = 24, ratio: Double = 1.15) {
        precondition(nodes >= 3)
        self.nodes = nodes
        var w = (0..<nodes).map { k in pow(ratio, Double(nodes - 1 - k)) }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        widths = w
        inverseGaps = (0..<(nodes - 1)).map { k in 2 / (w[k] + w[k + 1]) }
        lower = [Double](repeating: 0, count: nodes)
        upperPrime = [Double](repeating: 0, count: nodes)
        inverseDiagonal = [Double](repeating: 0, count: nodes)
        unitResponse = [Double](repeating: 0, count: nodes)
        freeProfile = [Double](repeating: 0, count: nodes)
    }

    /// Refactorise if the step or τ_D changed since the last call.
    @inline(__always)
    public mutating func prepare(dt: Double, tau: Double) {
        if dt != cachedDt || tau != cachedTau { factorise(dt: dt, tau: tau) }
    }

    private mutating func factorise(dt: Double, tau: Double) {
        cachedDt = dt
        cachedTau = tau
        let n = nodes
        // Row k divided by h_k/Δt: diag 1 + r_k(κ_{k−1} + κ_k), off-diagonals −r_k κ.
        var up = [Double](repeating: 0, count: n)
        var diag = [Double](repeating: 1, count: n)
        for k in 0..<n {
            let r = dt / (widths[k] * tau)
            if k > 0 {
                lower[k] = -r * inverseGaps[k - 1]
                diag[k] += r * inverseGaps[k - 1]
            } else {
                lower[k] = 0
            }
            if k < n - 1 {
                up[k] = -r * inverseGaps[k]
                diag[k] += r * inverseGaps[k]
            }
        }
        inverseDiagonal[0] = 1 / diag[0]
        upperPrime[0] = up[0] * inverseDiagonal[0]
        for k in 1..<n {
            inverseDiagonal[k] = 1 / (diag[k] - lower[k] * upperPrime[k - 1])
            upperPrime[k] = up[k] * inverseDiagonal[k]
        }
        // Unit flux: Δt/h_surface into the surface row.
        var rhs = [Double](repeating: 0, count: n)
        rhs[n - 1] = dt / widths[n - 1]
        var out = unitResponse
        solve(rhs, into: &out)
        unitResponse = out
        surfaceGain = unitResponse[n - 1] + 0.5 * widths[n - 1] * tau
    }

    @inline(__always)
    private func solve(_ rhs: [Double], into x: inout [Double]) {
        let n = nodes
        rhs.withUnsafeBufferPointer { r in
            lower.withUnsafeBufferPointer { lo in
                upperPrime.withUnsafeBufferPointer { cp in
                    inverseDiagonal.withUnsafeBufferPointer { inv in
                        x.withUnsafeMutableBufferPointer { out in
                            out[0] = r[0] * inv[0]
                            for k in 1..<n { out[k] = (r[k] - lo[k] * out[k - 1]) * inv[k] }
                            var k = n - 2
                            while k >= 0 {
                                out[k] -= cp[k] * out[k + 1]
                                k -= 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Step the profile with no current into `freeProfile`; returns its surface SOC (j = 0).
    @inline(__always)
    public mutating func solveFree(_ profile: [Double]) -> Double {
        var out = freeProfile
        freeProfile = []  // keep `out` uniquely referenced so the solve writes in place
        solve(profile, into: &out)
        freeProfile = out
        return out[nodes - 1]
    }

    /// Commit a step with flux `j` (SOC/s): profile = freeProfile + j·w.
    @inline(__always)
    public func commit(flux j: Double, into profile: inout [Double]) {
        let n = nodes
        freeProfile.withUnsafeBufferPointer { u in
            unitResponse.withUnsafeBufferPointer { w in
                profile.withUnsafeMutableBufferPointer { c in
                    for k in 0..<n { c[k] = u[k] + j * w[k] }
                }
            }
        }
    }

    /// Surface SOC from a profile and the flux across the surface (half-cell extrapolation).
    @inline(__always)
    public func surface(of profile: [Double], flux j: Double, tau: Double) -> Double {
        profile[nodes - 1] + 0.5 * widths[nodes - 1] * tau * j
    }

    /// Mean SOC of a profile.
    public func mean(of profile: [Double]) -> Double {
        var s = 0.0
        for k in 0..<nodes { s += widths[k] * profile[k] }
        return s
    }
}
