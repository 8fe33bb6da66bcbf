import Testing
@testable import EchemDrivers

@Suite("Register scaling: raw ↔ SI")
struct ScalingTests {
    static let ea = try! DeviceProfileLoader.load(contentsOf: Fixtures.driversDirectory.appendingPathComponent("ea-psb-10000.toml"))
    static let maynuo = try! DeviceProfileLoader.load(contentsOf: Fixtures.driversDirectory.appendingPathComponent("maynuo-m97.toml"))
    /// An EA PSB with an 80 V / 60 A / 1500 W rating.
    static let nominals = ["nominal_voltage": 80.0, "nominal_current": 60.0, "nominal_power": 1500.0]

    func eaConverter(_ name: String) throws -> RegisterConverter {
        try #require(Self.ea.register(name)).converter(nominals: Self.nominals)
    }

    @Test("EA: 0xCCCC is 100 % of nominal and 0xD0E5 (the largest accepted count) is 102 %")
    func eaFullScale() throws {
        let v = try eaConverter("set_voltage")
        #expect(try v.si(from: [0xCCCC]) == 80)
        #expect(try v.words(for: 80) == [0xCCCC])
        #expect(abs(try v.si(from: [0xD0E5]) / 80 - 1.02) < 1e-4)
        #expect(try v.words(for: 81.6) == [0xD0E5])
        #expect(try v.si(from: [0x6666]) == 40)
        #expect(v.siRange.upperBound == 80.0 * 53477 / 52428)
    }

    @Test("EA: one count is the resolution (80 V / 52428 ≈ 1.526 mV; 60 A / 52428 ≈ 1.144 mA)")
    func eaResolution() throws {
        #expect(abs(try eaConverter("set_voltage").resolution() - 80.0 / 52428) < 1e-15)
        #expect(abs(try eaConverter("actual_current").resolution() - 60.0 / 52428) < 1e-15)
        #expect(abs(try eaConverter("set_voltage").resolution() - 1.5259e-3) < 1e-7)
    }

    @Test("EA: every raw count survives raw → SI → raw", arguments: ["set_voltage", "set_current", "set_power", "actual_voltage"])
    func eaRawRoundTrip(_ name: String) throws {
        let c = try eaConverter(name)
        for raw in stride(from: 0, through: 53477, by: 7) {
            let si = try c.si(from: [UInt16(raw)])
            #expect(try c.words(for: si) == [UInt16(raw)], "raw \(raw)")
        }
    }

    @Test("EA: an SI value comes back within half a count, and what is written is the quantized value")
    func eaSIRoundTrip() throws {
        let c = try eaConverter("set_voltage")
        let step = c.resolution()
        var si = 0.0
        while si <= 81.6 {
            let back = try c.si(from: c.words(for: si))
            #expect(abs(back - si) <= step / 2 + 1e-12, "\(si) V came back as \(back) V")
            #expect(try c.quantized(si) == back)
            si += 0.0137
        }
    }

    @Test("EA: a set-point above 102 % or below zero is refused, never clamped")
    func eaOutOfRange() throws {
        let c = try eaConverter("set_voltage")
        #expect(throws: ScalingError.self) { try c.words(for: 81.7) }
        #expect(throws: ScalingError.self) { try c.words(for: -0.01) }
        #expect(throws: ScalingError.self) { try c.words(for: .nan) }
        do {
            _ = try c.words(for: 100)
        } catch {
            #expect(error.description == "set_voltage: 100 V is outside what the register can carry (0 … 81.6007 V)")
        }
    }

    @Test("EA: a %-of-nominal register cannot be converted before the nominal value is known")
    func eaNeedsNominal() throws {
        let spec = try #require(Self.ea.register("set_voltage"))
        #expect(throws: ScalingError.missingNominal("nominal_voltage")) { try spec.converter() }
        #expect(throws: ScalingError.badNominal("nominal_voltage", 0)) { try spec.converter(nominals: ["nominal_voltage": 0]) }
    }

    @Test("EA: device state is a big-endian u32 whose bit 7 is output on and bit 11 is remote")
    func eaStatusBits() throws {
        let status = try #require(Self.ea.register("status"))
        let raw = status.encoding.decode([0x0000, 0x0880])
        #expect(raw == 0x880)
        #expect(status.bit(named: "output") == 7 && status.bit(named: "remote") == 11)
        #expect(status.encoding.decode([0x0001, 0x0000]) == 65536)
    }

    @Test("Maynuo: float32 ABCD, 2.3 A is 0x4013 0x3333, and values round-trip to float precision")
    func maynuoFloat() throws {
        let c = try #require(Self.maynuo.register("set_sink_current")).converter()
        #expect(try c.words(for: 2.3) == [0x4013, 0x3333])
        #expect(try c.si(from: [0x4013, 0x3333]) == Double(Float(2.3)))
        for si in [0.0, 0.001, 1.5, 2.3, 29.999, 30, 123.456] {
            let back = try c.si(from: c.words(for: si))
            #expect(back == Double(Float(si)))
            #expect(abs(back - si) <= c.resolution(at: si) / 2)
        }
    }

    @Test("Maynuo: float resolution is one float32 ulp at the value (2.3 A → 2.4e-7 A)")
    func maynuoResolution() throws {
        let c = try #require(Self.maynuo.register("actual_voltage")).converter()
        #expect(c.resolution(at: 2.3) == Double(Float(2.3).ulp))
        #expect(c.resolution(at: 100) == Double(Float(100).ulp))
        #expect(c.resolution(at: 100) > c.resolution(at: 1))
    }

    @Test("word order little puts the low word first; i16 and i32 are two's complement")
    func encodings() throws {
        let little = RegisterEncoding(type: .f32, wordOrder: .little)
        #expect(little.encode(2.3) == [0x3333, 0x4013])
        #expect(little.decode([0x3333, 0x4013]) == Double(Float(2.3)))
        #expect(RegisterEncoding(type: .i16).encode(-1) == [0xFFFF])
        #expect(RegisterEncoding(type: .i16).decode([0x8000]) == -32768)
        #expect(RegisterEncoding(type: .i32, wordOrder: .little).encode(-2) == [0xFFFE, 0xFFFF])
        #expect(RegisterEncoding(type: .u32).decode([0x0001, 0x0002]) == 65538)
        #expect(RegisterEncoding(type: .u16).encode(1.5) == nil)
        #expect(RegisterEncoding(type: .u16).encode(65536) == nil)
        #expect(RegisterEncoding(type: .string, words: 3).decodeString([0x4541, 0x2050, 0x0000]) == "EA P")
    }

    @Test("scale/offset map: SI = raw × scale + offset, integer types round to the nearest count")
    func linearOffset() throws {
        let c = RegisterConverter(name: "t", encoding: RegisterEncoding(type: .i16), scaling: LinearScaling(scale: 0.1, offset: -40), unit: "")
        #expect(try c.si(from: [400]) == 0)
        #expect(try c.words(for: 25.04) == [650])
        #expect(try c.words(for: -43.2) == [UInt16(bitPattern: -32)])
        #expect(abs(try c.quantized(25.04) - 25.0) < 1e-12)
        #expect(c.resolution() == 0.1)
    }

    @Test("value_full_scale with a unit is an absolute full scale (\"80 V\" at 52428 counts)")
    func absoluteFullScale() throws {
        let text = try Fixtures.profileText("ea-psb-10000.toml").replacingOccurrences(
            of: "name = \"set_voltage\"\naddress = 500\ntype = \"u16\"\naccess = \"rw\"\nraw_full_scale = 52428\nvalue_full_scale = \"100 % of nominal_voltage\"",
            with: "name = \"set_voltage\"\naddress = 500\ntype = \"u16\"\naccess = \"rw\"\nraw_full_scale = 52428\nvalue_full_scale = \"80 V\"")
        let p = try DeviceProfileLoader.load(text: text, filename: "ea.toml")
        let c = try #require(p.register("set_voltage")).converter()
        #expect(try c.words(for: 40) == [0x6666])
        #expect(c.resolution() == 80.0 / 52428)
    }
}
