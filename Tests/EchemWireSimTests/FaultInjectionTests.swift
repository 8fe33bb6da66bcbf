import EchemCore
import EchemDrivers
import EchemWireSim
import Foundation
import Testing

/// Injected faults against echemd's recovery policy: every fault the simulator counts is one
/// failed attempt the client counts, and the client's retries get every transaction through.
@Suite("Fault injection")
struct FaultInjectionTests {
    static let retry = ModbusRetryPolicy(retries: 8, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))

    /// `n` reads of actual_voltage; the cell is at rest, so every answer is its OCV.
    static func readMany(_ client: SimulatorClient, _ n: Int) async throws {
        for _ in 0..<n {
            let v = try await client.regs.read("actual_voltage")
            #expect(abs(v - 3.5) < 0.01)
        }
    }

    @Test("drop=0.2 over TCP (seeded): all reads succeed, one client timeout and retry per dropped reply")
    func droppedRepliesTCP() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(faults: FaultPlan(drop: 0.2, seed: 42), clock: .realTime(speed: 1))
        // The timeout leaves a loaded machine room to answer: only a dropped reply may time out.
        let client = try await SimulatorClient.start(sim, retry: Self.retry, responseTimeout: .milliseconds(250))
        defer { Task { await client.stop() } }
        let before = client.bus.statistics, faultsBefore = sim.counters.dropped   // readNominals ran first
        try await Self.readMany(client, 60)
        let stats = client.bus.statistics
        let dropped = sim.counters.dropped
        #expect(stats.failed == 0)
        #expect(dropped - faultsBefore > 5, "about 15 of ~75 requests: \(dropped)")
        #expect(stats.timeouts - before.timeouts == dropped - faultsBefore)
        #expect(stats.retries - before.retries == dropped - faultsBefore)
        #expect(stats.timeouts == dropped && stats.retries == dropped, "the nominal reads too")
        #expect(sim.counters.requests == stats.attempts, "every attempt reached the simulator")
    }

    @Test("the same seed and the same requests give the same faults")
    func reproducible() async throws {
        var counts: [Int] = []
        for _ in 0..<2 {
            let sim = try ModbusDeviceSimulator.eaCoinCell(faults: FaultPlan(drop: 0.2, seed: 7), clock: .realTime(speed: 1))
            let client = try await SimulatorClient.start(sim, retry: Self.retry, responseTimeout: .milliseconds(250))
            try await Self.readMany(client, 30)
            counts.append(sim.counters.dropped)
            await client.stop()
        }
        #expect(counts[0] == counts[1] && counts[0] > 0, "\(counts)")
    }

    @Test("crc=0.2 over RTU: each bad CRC is one corrupt reply to the client, then a good retry")
    func badCRCOverRTU() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(.pty, faults: FaultPlan(corrupt: 0.2, seed: 3), clock: .realTime(speed: 1))
        let client = try await SimulatorClient.start(sim, retry: Self.retry, responseTimeout: .milliseconds(500))
        defer { Task { await client.stop() } }
        try await Self.readMany(client, 60)
        let stats = client.bus.statistics
        #expect(stats.failed == 0)
        #expect(sim.counters.corrupted > 3)
        #expect(stats.corruptReplies == sim.counters.corrupted)
        #expect(stats.timeouts == 0)
    }

    @Test("crc=0.2 over TCP: a wrong transaction id is a corrupt reply to libmodbus")
    func wrongTransactionIDOverTCP() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(faults: FaultPlan(corrupt: 0.2, seed: 5), clock: .realTime(speed: 1))
        let client = try await SimulatorClient.start(sim, retry: Self.retry, responseTimeout: .milliseconds(500))
        defer { Task { await client.stop() } }
        try await Self.readMany(client, 60)
        let stats = client.bus.statistics
        #expect(stats.failed == 0)
        #expect(sim.counters.corrupted > 3)
        #expect(stats.corruptReplies == sim.counters.corrupted)
        #expect(stats.reconnects == sim.counters.corrupted, "the bus retries a bad TCP reply on a fresh connection")
    }

    @Test("disconnect=0.2 over TCP: each closed connection is one reconnection by the client")
    func disconnectsOverTCP() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(faults: FaultPlan(disconnect: 0.2, seed: 11), clock: .realTime(speed: 1))
        let client = try await SimulatorClient.start(sim, retry: Self.retry, responseTimeout: .milliseconds(500))
        defer { Task { await client.stop() } }
        try await Self.readMany(client, 60)
        let stats = client.bus.statistics
        #expect(stats.failed == 0)
        #expect(sim.counters.disconnects > 3)
        #expect(stats.reconnects == sim.counters.disconnects)
        #expect(sim.counters.connections == sim.counters.disconnects + 1)
    }

    @Test("delay=0.5:30ms within the response timeout: no retries, and the time shows")
    func delayedReplies() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(faults: FaultPlan(delay: 0.5, delayBy: .milliseconds(30), seed: 2),
                                                       clock: .realTime(speed: 1))
        let client = try await SimulatorClient.start(sim, retry: Self.retry, responseTimeout: .milliseconds(500))
        defer { Task { await client.stop() } }
        let start = ContinuousClock.now
        try await Self.readMany(client, 30)
        let elapsed = ContinuousClock.now - start
        #expect(client.bus.statistics.retries == 0)
        let delayed = sim.counters.delayed
        #expect(delayed > 5)
        #expect(elapsed >= .milliseconds(30) * (delayed - 3), "\(delayed) delays (3 during the nominal reads) in \(elapsed)")
    }

    @Test("--faults text: probabilities, percentages, delay durations, and mistakes")
    func parsing() throws {
        let plan = try FaultPlan(parsing: "drop=0.01,crc=1%,delay=0.02:250ms,disconnect=0.001", seed: 9)
        #expect(plan == FaultPlan(drop: 0.01, corrupt: 0.01, delay: 0.02, delayBy: .milliseconds(250), disconnect: 0.001, seed: 9))
        #expect(try FaultPlan(parsing: "delay=0.1:0.5s").delayBy == .milliseconds(500))
        #expect(throws: SimulatorError.self) { try FaultPlan(parsing: "drops=0.1") }
        #expect(throws: SimulatorError.self) { try FaultPlan(parsing: "drop=1.5") }
        #expect(throws: SimulatorError.self) { try FaultPlan(parsing: "drop=0.6,crc=0.6") }
    }
}
