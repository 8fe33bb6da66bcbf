import Testing
@testable import EchemCore

/// The units table of docs/protocol-language.md, row by row: what is accepted and the SI value used.
@Suite("Quantity parsing: the units table")
struct QuantityParsingTests {
    func parse(_ s: String, temperature: Bool = false) -> Quantity? {
        try? QuantityParser.parse(s, temperatureContext: temperature).get()
    }

    func expectSI(_ text: String, _ value: Double, _ dim: PhysicalDimension, temperature: Bool = false,
                  sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let q = parse(text, temperature: temperature)
        #expect(q?.dimension == dim, "\(text) dimension", sourceLocation: sourceLocation)
        if let q {
            #expect(abs(q.value - value) <= abs(value) * 1e-12 + 1e-300, "\(text) = \(q.value), expected \(value)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("current: A, mA, µA / uA, nA")
    func current() {
        expectSI("1 A", 1, .current)
        expectSI("2.5 mA", 2.5e-3, .current)
        expectSI("10 µA", 10e-6, .current)      // micro sign U+00B5
        expectSI("10 μA", 10e-6, .current)      // Greek mu U+03BC
        expectSI("10 uA", 10e-6, .current)
        expectSI("3 nA", 3e-9, .current)
        expectSI("-3 mA", -3e-3, .current)
    }

    @Test("C-rate: C/10, 0.2C, 2C, C, and signed")
    func cRate() {
        expectSI("C/10", 0.1, .cRate)
        expectSI("C/3", 1.0 / 3, .cRate)
        expectSI("0.2C", 0.2, .cRate)
        expectSI("2C", 2, .cRate)
        expectSI("2 C", 2, .cRate)
        expectSI("C", 1, .cRate)
        expectSI("-C/50", -0.02, .cRate)
        expectSI("2C/3", 2.0 / 3, .cRate)
    }

    @Test("specific current keeps its named mass basis")
    func specificCurrent() {
        expectSI("140 mA/g", 0.14, .specificCurrent)
        expectSI("1 A/g", 1, .specificCurrent)
        let q = parse("140 mA/g sulfur")
        #expect(q?.dimension == .specificCurrent)
        #expect(q?.basis == "sulfur")
        #expect(parse("140 mA/g")?.basis == nil)
    }

    @Test("areal current: A/cm2, mA/cm2, µA/cm2, also cm²")
    func arealCurrent() {
        expectSI("1 mA/cm2", 1e-3, .arealCurrent)
        expectSI("1 mA/cm²", 1e-3, .arealCurrent)
        expectSI("0.3 A/cm2", 0.3, .arealCurrent)
        expectSI("50 µA/cm2", 50e-6, .arealCurrent)
    }

    @Test("voltage, power, resistance")
    func electrical() {
        expectSI("4.2 V", 4.2, .voltage)
        expectSI("4.2V", 4.2, .voltage)
        expectSI("-3 V", -3, .voltage)
        expectSI("5 mV", 5e-3, .voltage)
        expectSI("200 mW", 0.2, .power)
        expectSI("1 W", 1, .power)
        expectSI("100 ohm", 100, .resistance)
        expectSI("100 Ω", 100, .resistance)       // Greek capital omega
        expectSI("100 Ω", 100, .resistance)       // ohm sign U+2126
        expectSI("100 Ohm", 100, .resistance)
        expectSI("50 mohm", 0.05, .resistance)
        expectSI("2 kohm", 2000, .resistance)
    }

    @Test("time: s, min, h, d and the long names")
    func time() {
        for (t, v) in [("30 s", 30.0), ("30 sec", 30), ("1 second", 1), ("30 seconds", 30),
                       ("5 min", 300), ("1 minute", 60), ("45 minutes", 2700),
                       ("2 h", 7200), ("1 hour", 3600), ("2 hours", 7200), ("1.5 hr", 5400),
                       ("1 d", 86400), ("1 day", 86400), ("3 days", 259200), ("450 h", 1_620_000)] {
            expectSI(t, v, .time)
        }
    }

    @Test("frequency and scan rate, with scientific notation")
    func frequency() {
        expectSI("1e6 Hz", 1e6, .frequency)
        expectSI("100 kHz", 1e5, .frequency)
        expectSI("10 mHz", 1e-2, .frequency)
        expectSI("1 MHz", 1e6, .frequency)
        expectSI("0.1 mV/s", 1e-4, .scanRate)
        expectSI("1 V/s", 1, .scanRate)
        expectSI("6 mV/min", 1e-4, .scanRate)
        expectSI("3.6 mV/h", 1e-6, .scanRate)
    }

    @Test("capacities: absolute, specific (with basis), areal")
    func capacity() {
        expectSI("2.5 mAh", 2.5e-3, .capacity)
        expectSI("1 Ah", 1, .capacity)
        expectSI("50 µAh", 50e-6, .capacity)
        expectSI("1675 mAh/g", 1.675, .specificCapacity)
        #expect(parse("1675 mAh/g sulfur")?.basis == "sulfur")
        expectSI("1.82 mAh/cm2", 1.82e-3, .arealCapacity)
        expectSI("1.82 mAh/cm²", 1.82e-3, .arealCapacity)
    }

    @Test("energy: Wh, mWh")
    func energy() {
        expectSI("1 Wh", 1, .energy)
        expectSI("12 mWh", 0.012, .energy)
    }

    @Test("temperature: °C, degC, and C where a temperature is expected")
    func temperature() {
        expectSI("60 degC", 60, .temperature)
        expectSI("60 °C", 60, .temperature)
        expectSI("-30 degC", -30, .temperature)
        expectSI("60 C", 60, .temperature, temperature: true)
        expectSI("60 C", 60, .cRate)        // without the context, C is a rate
        expectSI("298.15 K", 25, .temperature)
    }

    @Test("cell metadata units: mass, area, loading, mass fraction, molar volume, amount")
    func cellUnits() {
        expectSI("0.79 mg", 0.79e-3, .mass)
        expectSI("1 g", 1, .mass)
        expectSI("12 µg", 12e-6, .mass)
        expectSI("1.131 cm2", 1.131, .area)
        expectSI("1.131 cm²", 1.131, .area)
        expectSI("113.1 mm2", 1.131, .area)
        expectSI("0.70 mg/cm2", 0.70e-3, .loading)
        expectSI("700 mg/g", 0.7, .massFraction)
        expectSI("89 %", 0.89, .massFraction)
        expectSI("23.9 cm3/mol", 23.9, .molarVolume)
        expectSI("23.9 cm³/mol", 23.9, .molarVolume)
        expectSI("4.1 µmol", 4.1e-6, .amount)
        expectSI("2 mol", 2, .amount)
    }

    @Test("a plain number is dimensionless")
    func plain() {
        expectSI("42", 42, .dimensionless)
    }

    @Test("rejected: no number, unknown unit, non-finite, a basis on a unit that takes none")
    func rejected() {
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("mA").get() }
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("").get() }
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("4 furlongs").get() }
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("1e999 A").get() }
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("nan A").get() }
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("4.2 V sulfur").get() }
        #expect(throws: QuantityParseError.self) { try QuantityParser.parse("1 MA").get() }   // case matters
    }
}
