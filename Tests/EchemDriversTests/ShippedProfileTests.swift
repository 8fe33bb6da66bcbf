import Foundation
import Testing
@testable import EchemDrivers

@Suite("Shipped device profiles")
struct ShippedProfileTests {
    @Test("drivers/ loads both profiles with no diagnostics at all")
    func loadsCleanly() throws {
        let (profiles, diagnostics) = DeviceProfileLoader.loadAll(in: Fixtures.driversDirectory)
        #expect(diagnostics.map(\.description) == [])
        #expect(Set(profiles.map(\.device.family)) == ["EA PSB 10000", "Maynuo M97"])
    }

    @Test("EA PSB 10000: bidirectional, unit 0 that replies, the §3.4 addresses and the 0xCCCC scaling")
    func eaProfile() throws {
        let ea = try DeviceProfileLoader.load(contentsOf: Fixtures.driversDirectory.appendingPathComponent("ea-psb-10000.toml"))
        #expect(ea.device.kind == .sourceSink)
        #expect(ea.limits.canSink)
        #expect(ea.device.usb == [USBIdentifier(vendorID: 0x232E, productID: nil)])
        #expect(ea.transport.unit == 0 && ea.transport.unitZeroReplies)
        #expect(ea.transport.registerWrites == .single)
        #expect(ea.register(.setVoltage)?.address == 500)
        #expect(ea.register(.setCurrent)?.address == 501)
        #expect(ea.register(.setPower)?.address == 502)
        #expect(ea.register(.actualVoltage)?.address == 507)
        #expect(ea.register(.remote).map { ($0.address, $0.table) } ?? (0, .holding) == (402, .coil))
        #expect(ea.register(.output).map { ($0.address, $0.table) } ?? (0, .holding) == (405, .coil))
        #expect(ea.register(.status)?.bit(named: "remote") == 11)
        #expect(ea.register(.setVoltage)?.scaling == .fractionOfNominal(rawFullScale: 52428, fraction: 1, nominal: "nominal_voltage"))
        #expect(ea.register(.setVoltage)?.rawMax == 0xD0E5)
        #expect(ea.register(.setSinkCurrent)?.verified == false)
        #expect(ea.nominalRegisterNames == ["nominal_power", "nominal_current", "nominal_voltage"])
        #expect(ea.control[.outputOff] == [ControlWrite(register: "output", value: .coil(false))])
        #expect(ea.control[.remoteOn] == [ControlWrite(register: "remote", value: .coil(true))])
    }

    @Test("Maynuo M97: discharge-only load, float32 ABCD registers, CMD codes by name, FC16 writes")
    func maynuoProfile() throws {
        let m = try DeviceProfileLoader.load(contentsOf: Fixtures.driversDirectory.appendingPathComponent("maynuo-m97.toml"))
        #expect(m.device.kind == .load)
        #expect(!m.device.kind.canSource)
        #expect(m.transport.registerWrites == .multiple)
        #expect(m.transport.framing == SerialFraming(baud: 9600, parity: .none, dataBits: 8, stopBits: 1))
        #expect(m.register(.setSinkCurrent)?.address == 0x0A01)
        #expect(m.register(.setSinkCurrent)?.encoding == RegisterEncoding(type: .f32, wordOrder: .big))
        #expect(m.register(.actualCurrent)?.address == 0x0B02)
        #expect(m.register(.output)?.access == .r)
        let command = try #require(m.register(.command))
        #expect(["cc", "cv", "cw", "cr", "input_on", "input_off"].map { command.value(named: $0) } == [1, 2, 3, 4, 42, 43])
        #expect(m.control[.outputOn] == [ControlWrite(register: "command", value: .raw(42), valueName: "input_on")])
        #expect(m.control[.modeCP] == [ControlWrite(register: "command", value: .raw(3), valueName: "cw")])
        #expect(m.nominalRegisterNames.isEmpty)
    }
}
