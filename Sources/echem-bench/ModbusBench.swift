import EchemCore
import EchemDrivers
import EchemWireSim
import Foundation

/// Modbus transactions per second on one bus against `ModbusDeviceSimulator` (EA PSB profile),
/// over TCP on loopback and RTU on a pseudo-terminal, beside what RTU at 115 200 baud could carry.
///
/// One transaction is one read of one holding register (`actual_voltage`, FC03), the unit of a
/// channel's polling; a channel reading is three of them (voltage, current, status). The simulator
/// runs real time at ×1 with a 1 s physics step so that it costs the bus nothing measurable.
enum ModbusBench {
    static func run(seconds: Double, profilePath: String) async throws -> [String] {
        let profile = try DeviceProfileLoader.load(contentsOf: URL(fileURLWithPath: profilePath))
        guard let register = profile.register("actual_voltage") else { throw BenchError("the profile has no actual_voltage") }
        var rows: [String] = []
        for (label, transport, unit) in [("TCP, loopback", SimulatorTransport.tcp(port: 0), 0),
                                         ("RTU, pseudo-terminal", .pty, 1)] {
            let sim = try ModbusDeviceSimulator(.init(
                profile: profile, transport: transport, units: [unit],
                cell: .chemistry("ideal_linear", capacityAh: 1e-3, initialSOC: 0.5),
                ratings: DeviceRatings(voltage: 10, current: 0.01, power: 0.1), clock: .realTime(speed: 1), samplePeriod: 1))
            sim.start()
            defer { sim.stop() }
            let bus = ModbusBus(sim.busConfiguration())
            try await bus.connect()
            // Warm up, then count transactions for `seconds` of wall time.
            for _ in 0..<100 { _ = try await bus.readHoldingRegisters(unit: unit, address: register.address, count: 1) }
            let clock = ContinuousClock()
            let start = clock.now
            var n = 0
            var latencies: [Double] = []
            latencies.reserveCapacity(100_000)
            while clock.now - start < .seconds(seconds) {
                let t0 = clock.now
                _ = try await bus.readHoldingRegisters(unit: unit, address: register.address, count: 1)
                latencies.append((clock.now - t0).inSeconds * 1e6)
                n += 1
            }
            let wall = (clock.now - start).inSeconds
            await bus.close()
            latencies.sort()
            let p50 = latencies[latencies.count / 2], p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
            rows.append(String(format: "| %@ | %d | %.0f tx/s | %.0f µs | %.0f µs | %.0f channels at 1 Hz |",
                               label, n, Double(n) / wall, p50, p99, Double(n) / wall / 3))
        }
        let rtu = rtuTheoreticalRate(baud: 115_200)
        rows.append(String(format: "| RTU at 115 200 baud, 8N1 (theory, zero device turnaround) | | %.0f tx/s | %.0f µs | | %.0f channels at 1 Hz |",
                           rtu, 1e6 / rtu, rtu / 3))
        return rows
    }

    /// One FC03 read of one register: an 8-byte request and a 7-byte reply, 10 bits a byte (8N1),
    /// each frame followed by the 3.5-character silence, fixed at 1.75 ms above 19 200 baud by the
    /// Modbus serial line specification.
    static func rtuTheoreticalRate(baud: Double) -> Double {
        let bytes = 8.0 + 7.0
        let wire = bytes * 10 / baud
        let silence = 2 * 1.75e-3
        return 1 / (wire + silence)
    }
}
