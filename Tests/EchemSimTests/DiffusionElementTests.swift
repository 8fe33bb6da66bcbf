import Testing
@testable import EchemSim

@Suite struct DiffusionElementTests {
    @Test func modesAreAnExactChangeOfBasis() {
        let d = DiffusionElement()
        let profile = (0..<d.nodes).map { 0.3 + 0.01 * Double($0 * $0 % 7) }
        let back = d.profile(fromModes: d.modes(fromProfile: profile))
        for (a, b) in zip(profile, back) { #expect(abs(a - b) < 1e-12) }
        // Mode 0 is the mean.
        let mean = zip(profile, d.widths).map { $0 * $1 }.reduce(0, +)
        #expect(abs(d.modes(fromProfile: profile)[0] - mean) < 1e-13)
    }

    @Test func constantFluxReachesTheParabolicProfile() {
        // Planar layer, constant flux j for t ≫ τ_D: c_surf − c_mean → j·τ_D/3, and the mean grows as j·t.
        var d = DiffusionElement()
        let tau = 100.0, j = 1e-4, dt = 7.0
        var modes = d.uniformModes(0.2)
        d.prepare(dt: dt, tau: tau)
        for _ in 0..<500 { d.commit(flux: j, into: &modes) }
        let surface = d.surface(of: modes, flux: j, tau: tau)
        #expect(abs(modes[0] - (0.2 + j * 500 * dt)) < 1e-12)
        #expect(abs((surface - modes[0]) / (j * tau / 3) - 1) < 0.01)
        // The affine step used by the solvers agrees with committing.
        let predicted = d.freeSurface(modes) + d.surfaceGain * j
        d.commit(flux: j, into: &modes)
        #expect(abs(predicted - d.surface(of: modes, flux: j, tau: tau)) < 1e-12)
    }

    @Test func stepIsExactForAnySplitOfTheInterval() {
        // Exact in time: one 60 s step equals sixty 1 s steps at constant flux.
        var coarse = DiffusionElement(), fine = DiffusionElement()
        var a = coarse.uniformModes(0.5), b = fine.uniformModes(0.5)
        coarse.prepare(dt: 60, tau: 2500)
        fine.prepare(dt: 1, tau: 2500)
        coarse.commit(flux: 3e-5, into: &a)
        for _ in 0..<60 { fine.commit(flux: 3e-5, into: &b) }
        for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-13) }
    }
}
