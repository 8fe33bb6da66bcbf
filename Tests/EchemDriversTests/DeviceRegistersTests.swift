import Foundation
import Testing
@testable import EchemDrivers

/// The EA profile driving a libmodbus server that publishes the EA register map over TCP:
/// nominal values first, then set-points in SI, switches by sequence, state by named bits.
@Suite("An EA PSB through its profile, over Modbus TCP")
struct DeviceRegistersTests {
    static let layout = ModbusTestServer.Layout(coils: 400..<410, holding: 0..<600)

    /// A server holding an 80 V / 60 A / 1500 W PSB's identity, ratings and readings, as unit 0.
    func eaServer() throws -> ModbusTestServer {
        let server = try ModbusTestServer.tcp(units: [0: Self.layout])
        server.setHolding(unit: 0, 121, [0x42A0, 0x0000, 0x4270, 0x0000, 0x44BB, 0x8000])  // 80.0, 60.0, 1500.0 as float32 ABCD
        server.setHolding(unit: 0, 1, [0x5053, 0x4220, 0x3130, 0x3038, 0x302D, 0x3630])    // "PSB 10080-60"
        server.setHolding(unit: 0, 505, [0x0000, 0x0880])                                  // output on (bit 7), remote (bit 11)
        server.setHolding(unit: 0, 507, [0x6666, 0x3333])                                  // 50 % of 80 V, 25 % of 60 A
        return server
    }

    func profile() throws -> DeviceProfile {
        try DeviceProfileLoader.load(contentsOf: Fixtures.driversDirectory.appendingPathComponent("ea-psb-10000.toml"))
    }

    @Test("set-points are written in counts of 100 % = 0xCCCC, with FC06, after reading the ratings")
    func setPoints() async throws {
        let server = try eaServer()
        defer { server.stop() }
        let ea = try profile()
        let bus = ModbusBus(ea.transport.busConfiguration(host: "127.0.0.1", port: Int(server.port)))
        var psb = DeviceRegisters(profile: ea, bus: bus, unit: ea.transport.unit)
        try await psb.readNominals()
        #expect(psb.nominals == ["nominal_voltage": 80, "nominal_current": 60, "nominal_power": 1500])

        let v = try await psb.write("set_voltage", 12.0)
        try await psb.write("set_current", 30.0)
        #expect(server.holding(unit: 0, 500) == 7864)            // 12 / 80 × 52428 = 7864.2
        #expect(server.holding(unit: 0, 501) == 26214)           // 30 / 60 × 52428
        #expect(abs(v - 12.0) <= 80.0 / 52428 / 2)
        #expect(try await psb.read("actual_voltage") == 40)
        #expect(try await psb.read("actual_current") == 15)
        #expect(server.functionCodes.suffix(4) == [0x06, 0x06, 0x03, 0x03])
        await bus.close()
    }

    @Test("remote and output switch by sequence (FC05 coils); state, identity and refusals read back")
    func switchesAndState() async throws {
        let server = try eaServer()
        defer { server.stop() }
        let ea = try profile()
        let bus = ModbusBus(ea.transport.busConfiguration(host: "127.0.0.1", port: Int(server.port)))
        var psb = DeviceRegisters(profile: ea, bus: bus, unit: 0)
        try await psb.readNominals()
        try await psb.run(.remoteOn)
        try await psb.run(.outputOn)
        #expect(server.coil(unit: 0, 402) && server.coil(unit: 0, 405))
        try await psb.run(.outputOff)
        #expect(!server.coil(unit: 0, 405))
        #expect(server.functionCodes.suffix(3) == [0x05, 0x05, 0x05])
        #expect(try await psb.readBits("status") == ["output": true, "remote": true])
        #expect(try await psb.readText("device_type") == "PSB 10080-60")

        let before = server.requests
        await #expect(throws: DeviceRegisterError.self) { try await psb.write("set_voltage", 82) }   // above 102 %
        await #expect(throws: DeviceRegisterError.notReadable("output")) { _ = try await psb.read("output") }
        await #expect(throws: DeviceRegisterError.noSequence(.modeCC)) { try await psb.run(.modeCC) }
        #expect(server.requests == before)
        await bus.close()
    }

    @Test("before the ratings are read, a %-of-nominal register cannot be converted")
    func nominalsFirst() async throws {
        let server = try eaServer()
        defer { server.stop() }
        let ea = try profile()
        let bus = ModbusBus(ea.transport.busConfiguration(host: "127.0.0.1", port: Int(server.port)))
        let psb = DeviceRegisters(profile: ea, bus: bus, unit: 0)
        await #expect(throws: DeviceRegisterError.scaling("set_voltage", .missingNominal("nominal_voltage"))) {
            try await psb.write("set_voltage", 1)
        }
        #expect(server.requests == 0)
        await bus.close()
    }
}
