import Testing
@testable import EchemCore

@Suite("Showing SI values")
struct SIFormatTests {
    @Test("prefixes put the mantissa in 1…1000, four significant digits, no trailing zeros")
    func prefixes() {
        #expect(SIFormat.format(110.838e-6, unit: "A") == "110.8 µA")
        #expect(SIFormat.format(2.5e-3, unit: "Ah") == "2.5 mAh")
        #expect(SIFormat.format(-0.75375e-3, unit: "A") == "-753.8 µA")
        #expect(SIFormat.format(4.2, unit: "V") == "4.2 V")
        #expect(SIFormat.format(0.01, unit: "V") == "10 mV")
        #expect(SIFormat.format(1e5, unit: "Hz") == "100 kHz")
        #expect(SIFormat.format(1e-4, unit: "V/s") == "100 µV/s")
        #expect(SIFormat.format(0, unit: "A") == "0 A")
        #expect(SIFormat.format(999.97e-6, unit: "A") == "1 mA")
    }

    @Test("masses in mg, durations in d/h/min/s")
    func massAndTime() {
        #expect(SIFormat.mass(0.7917e-3) == "0.7917 mg")
        #expect(SIFormat.mass(4.5e-3) == "4.5 mg")
        #expect(SIFormat.duration(45) == "45 s")
        #expect(SIFormat.duration(7200) == "2 h")
        #expect(SIFormat.duration(9000) == "2 h 30 min")
        #expect(SIFormat.duration(90061) == "1 d 1 h")
        #expect(SIFormat.duration(1.5) == "1.5 s")
    }
}
