import Testing
@testable import EchemSim

@Suite struct PCHIPTests {
    @Test func reproducesKnotsAndIsExactOnLines() {
        let p = PCHIP(x: [0, 0.2, 0.5, 1], y: [1, 1.4, 2, 3])
        for (x, y) in zip(p.x, p.y) { #expect(abs(p(x) - y) < 1e-12) }
        #expect(abs(p(0.35) - 1.7) < 1e-12)  // collinear data stay a line
    }

    @Test func monotoneWithoutOvershootOnPlateaus() {
        // A staircase OCV: a plain cubic spline overshoots here; Fritsch–Carlson must not.
        let xs: [Double] = [0, 0.1, 0.12, 0.5, 0.52, 0.9, 1]
        let ys: [Double] = [1.8, 2.05, 2.1, 2.12, 2.3, 2.33, 2.6]
        let p = PCHIP(x: xs, y: ys)
        var last = -Double.infinity
        for k in 0...10_000 {
            let x = Double(k) / 10_000
            let y = p(x)
            #expect(y >= last - 1e-12)
            last = y
            // Never leaves the range of the interval's end values.
            let j = p.interval(x)
            #expect(y >= min(ys[j], ys[j + 1]) - 1e-12 && y <= max(ys[j], ys[j + 1]) + 1e-12)
        }
    }

    @Test func flatAtLocalExtremaAndExtrapolatesLinearly() {
        let p = PCHIP(x: [0, 1, 2], y: [0, 1, 0])
        #expect(abs(p.valueAndSlope(1).slope) < 1e-12)
        let end = p.valueAndSlope(2)
        #expect(abs(p(2.5) - (end.value + 0.5 * end.slope)) < 1e-12)
    }
}
