import Foundation
import Testing
@testable import EchemDrivers

/// The bus as a Modbus RTU master on one end of a pseudo-terminal, a libmodbus RTU server with
/// unit id 7 on the other: real RTU framing and CRCs, no hardware and no socat.
@Suite("ModbusBus over RTU on a pseudo-terminal")
struct ModbusRTUTests {
    static let layout = ModbusTestServer.Layout(coils: 0x0500..<0x0520, discreteInputs: 0..<8, holding: 0..<0x0C00, input: 0..<16)

    func bus(_ server: ModbusTestServer, timeout: Duration = .milliseconds(200), retry: ModbusRetryPolicy = ModbusRetryPolicy()) throws -> ModbusBus {
        let path = try #require(server.ptyPath)
        return ModbusBus(ModbusBusConfiguration(endpoint: .rtu(path: path, framing: SerialFraming(baud: 115_200)),
                                                responseTimeout: timeout, retry: retry))
    }

    @Test("unit 7 on a pty: registers and coils round-trip")
    func roundTrip() async throws {
        let server = try ModbusTestServer.rtuOnPseudoTerminal(unit: 7, layout: Self.layout)
        defer { server.stop() }
        server.setInput(unit: 7, 2, [11, 22])
        let bus = try bus(server)
        try await bus.connect()
        try await bus.writeRegisters(unit: 7, address: 500, values: [0xCAFE, 0xBEEF, 0x0D0A])
        #expect(try await bus.readHoldingRegisters(unit: 7, address: 500, count: 3) == [0xCAFE, 0xBEEF, 0x0D0A])
        try await bus.writeRegister(unit: 7, address: 502, value: 0x000D)
        #expect(try await bus.readHoldingRegisters(unit: 7, address: 502, count: 1) == [0x000D])
        #expect(try await bus.readInputRegisters(unit: 7, address: 2, count: 2) == [11, 22])
        try await bus.writeCoil(unit: 7, address: 0x0510, value: true)
        #expect(try await bus.readCoils(unit: 7, address: 0x050F, count: 3) == [false, true, false])
        #expect(server.holding(unit: 7, 501) == 0xBEEF)
        #expect(server.requests(unit: 7) == 7)
        #expect(bus.statistics.retries == 0 && bus.statistics.succeeded == 7)
        await bus.close()
    }

    @Test("a unit that is not on the line never answers: timeouts, retried as configured")
    func absentUnit() async throws {
        let server = try ModbusTestServer.rtuOnPseudoTerminal(unit: 7, layout: Self.layout)
        defer { server.stop() }
        let bus = try bus(server, timeout: .milliseconds(60), retry: ModbusRetryPolicy(retries: 1, initialBackoff: .milliseconds(5)))
        await #expect(throws: ModbusError.timeout(ModbusRequestSummary(unit: 9, function: .readHoldingRegisters, address: 0, count: 1), attempts: 2)) {
            _ = try await bus.readHoldingRegisters(unit: 9, address: 0, count: 1)
        }
        #expect(server.requests == 0)
        #expect(bus.statistics.timeouts == 2)
        // Unit 7 on the same line still answers.
        #expect(try await bus.readHoldingRegisters(unit: 7, address: 0, count: 1) == [0])
        await bus.close()
    }

    @Test("a write to unit 0 is a broadcast: the device acts on it, nobody replies, and that is success")
    func broadcastWrite() async throws {
        let server = try ModbusTestServer.rtuOnPseudoTerminal(unit: 7, layout: Self.layout)
        defer { server.stop() }
        let bus = try bus(server, timeout: .milliseconds(80), retry: ModbusRetryPolicy(retries: 3))
        try await bus.writeRegister(unit: 0, address: 500, value: 321)
        #expect(server.holding(unit: 7, 500) == 321)
        let stats = bus.statistics
        #expect(stats.succeeded == 1 && stats.attempts == 1 && stats.retries == 0)
        await bus.close()
    }

    @Test("the Maynuo profile drives a load on the pty: CC set-point as float32, mode and input by name")
    func maynuoThroughProfile() async throws {
        let server = try ModbusTestServer.rtuOnPseudoTerminal(unit: 7, layout: Self.layout)
        defer { server.stop() }
        let profile = try DeviceProfileLoader.load(contentsOf: Fixtures.driversDirectory.appendingPathComponent("maynuo-m97.toml"))
        let path = try #require(server.ptyPath)
        // The profile's framing (9600 8N1), timing and FC16 writes; only the port and unit come from the "channel".
        let bus = ModbusBus(profile.transport.busConfiguration(serialPath: path))
        let load = DeviceRegisters(profile: profile, bus: bus, unit: 7)
        server.setHolding(unit: 7, 0x0B00, [0x4086, 0x6666])   // U = 4.2 V as float32 ABCD

        let written = try await load.write("set_sink_current", 2.3)
        try await load.run(.modeCC)
        try await load.run(.outputOn)
        #expect(server.holding(unit: 7, 0x0A01) == 0x4013 && server.holding(unit: 7, 0x0A02) == 0x3333)
        #expect(written == Double(Float(2.3)))
        #expect(server.holding(unit: 7, 0x0A00) == 42)            // input_on was the last command
        #expect(server.functionCodes == [0x10, 0x10, 0x10])        // register_writes = "multiple": FC16 even for CMD
        #expect(abs(try await load.read("actual_voltage") - 4.2) < 1e-6)
        await #expect(throws: DeviceRegisterError.notWritable("actual_voltage")) { try await load.write("actual_voltage", 1) }
        await bus.close()
    }
}
