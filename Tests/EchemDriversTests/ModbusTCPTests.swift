import Foundation
import Synchronization
import Testing
@testable import EchemDrivers

/// The bus against a real libmodbus server on 127.0.0.1, run in-process on its own thread.
@Suite("ModbusBus over TCP against a libmodbus server")
struct ModbusTCPTests {
    static let layout = ModbusTestServer.Layout(coils: 400..<410, discreteInputs: 0..<16, holding: 0..<550, input: 0..<32)

    func bus(_ server: ModbusTestServer, timeout: Duration = .milliseconds(300), retry: ModbusRetryPolicy = ModbusRetryPolicy(),
             events: (@Sendable (ModbusBusEvent) -> Void)? = nil) -> ModbusBus {
        ModbusBus(ModbusBusConfiguration(endpoint: .tcp(host: "127.0.0.1", port: Int(server.port)), responseTimeout: timeout, retry: retry),
                  events: events)
    }

    @Test("reads and writes round-trip: FC03, FC04, FC06, FC16, FC01, FC02, FC05")
    func roundTrip() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout])
        defer { server.stop() }
        server.setInput(unit: 1, 10, [7, 8, 9])
        server.setDiscrete(unit: 1, 3, [true, false, true])
        let bus = bus(server)

        try await bus.writeRegister(unit: 1, address: 500, value: 0x1234)
        try await bus.writeRegisters(unit: 1, address: 507, values: [0, 0xCCCC, 42])
        #expect(try await bus.readHoldingRegisters(unit: 1, address: 500, count: 1) == [0x1234])
        #expect(try await bus.readHoldingRegisters(unit: 1, address: 507, count: 3) == [0, 0xCCCC, 42])
        #expect(try await bus.readInputRegisters(unit: 1, address: 10, count: 3) == [7, 8, 9])
        try await bus.writeCoil(unit: 1, address: 405, value: true)
        #expect(server.coil(unit: 1, 405))
        #expect(try await bus.readCoils(unit: 1, address: 404, count: 3) == [false, true, false])
        #expect(try await bus.readDiscreteInputs(unit: 1, address: 3, count: 3) == [true, false, true])
        #expect(server.holding(unit: 1, 508) == 0xCCCC)

        let stats = bus.statistics
        #expect(stats.transactions == 8 && stats.succeeded == 8 && stats.attempts == 8)
        #expect(stats.retries == 0 && stats.timeouts == 0 && stats.reconnects == 0)
        await bus.close()
    }

    @Test("a read of an unmapped address is 'illegal data address', sent once and never retried")
    func illegalAddressNotRetried() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout])
        defer { server.stop() }
        let bus = bus(server, retry: ModbusRetryPolicy(retries: 5, initialBackoff: .milliseconds(1)))
        do {
            _ = try await bus.readHoldingRegisters(unit: 1, address: 600, count: 2)
            Issue.record("read of 600 succeeded")
        } catch {
            #expect(error.modbusException == .illegalDataAddress)
            #expect(error.description.contains("illegal data address: registers 0x0258…0x0259 not in the device's map"))
            #expect(error.description.contains("Modbus exception 2"))
        }
        #expect(server.requests == 1)
        let stats = bus.statistics
        #expect(stats.exceptions == 1 && stats.retries == 0 && stats.attempts == 1 && stats.failed == 1)
        // The bus is still usable afterwards.
        #expect(try await bus.readHoldingRegisters(unit: 1, address: 0, count: 1) == [0])
        await bus.close()
    }

    @Test("an illegal value written is reported in words with the register")
    func exceptionWording() {
        let s = ModbusRequestSummary(unit: 3, function: .writeSingleRegister, address: 0x1234, count: 1)
        #expect(ModbusError.exception(.illegalDataAddress, s).description
                == "unit 3: write single register 0x1234 (4660): illegal data address: register 0x1234 not in the device's map (Modbus exception 2)")
        #expect(ModbusException.illegalDataValue.explanation(for: s).hasPrefix("illegal data value: the device refused the value written to register 0x1234"))
        #expect(ModbusException.serverDeviceBusy.explanation(for: s) == "server device busy: the device is busy with a long-running command")
    }

    @Test("a server slower than the response timeout is retried as configured, then the bus gives up with a timeout")
    func timeoutRetries() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout])
        defer { server.stop() }
        server.setReplyDelay(.milliseconds(250))
        let events = Mutex<[ModbusBusEvent]>([])
        let bus = bus(server, timeout: .milliseconds(80), retry: ModbusRetryPolicy(retries: 2, initialBackoff: .milliseconds(10)),
                      events: { e in events.withLock { $0.append(e) } })
        let start = ContinuousClock.now
        do {
            _ = try await bus.readHoldingRegisters(unit: 1, address: 500, count: 1)
            Issue.record("a late reply was accepted")
        } catch {
            #expect(error == .timeout(ModbusRequestSummary(unit: 1, function: .readHoldingRegisters, address: 500, count: 1), attempts: 3))
        }
        // Three timeouts plus backoffs of 10 and 20 ms. No upper bound: the whole suite runs in
        // parallel on two cores, and the counts below already prove how many tries were made.
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(3 * 80 + 30), "\(elapsed)")
        let stats = bus.statistics
        #expect(stats.attempts == 3 && stats.retries == 2 && stats.timeouts == 3 && stats.failed == 1)
        // Over TCP each retry goes out on a fresh connection, so a late reply cannot be taken for the next one.
        #expect(stats.reconnects == 2 && stats.corruptReplies == 0)
        let retries = events.withLock { $0.filter { if case .retrying = $0 { true } else { false } } }
        #expect(retries.count == 2)
        // The server saw exactly the three attempts (it works through them at its own pace).
        let deadline = ContinuousClock.now + .seconds(3)
        while server.requests < 3 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.requests == 3)
        await bus.close()
    }

    @Test("two channels (units 1 and 2) share one bus: 60 concurrent callers all get their own unit's values")
    func sharedBusByUnit() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout, 2: Self.layout])
        defer { server.stop() }
        server.setHolding(unit: 1, 500, (0..<20).map { 1000 + UInt16($0) })
        server.setHolding(unit: 2, 500, (0..<20).map { 2000 + UInt16($0) })
        let bus = bus(server)
        let results = try await withThrowingTaskGroup(of: (Int, Int, [UInt16]).self) { group in
            for i in 0..<60 {
                let unit = i % 2 + 1, offset = i % 17
                group.addTask { (unit, offset, try await bus.readHoldingRegisters(unit: unit, address: 500 + offset, count: 3)) }
            }
            var all: [(Int, Int, [UInt16])] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 60)
        for (unit, offset, words) in results {
            let base = UInt16(unit * 1000 + offset)
            #expect(words == [base, base + 1, base + 2], "unit \(unit) offset \(offset)")
        }
        #expect(server.requests(unit: 1) == 30 && server.requests(unit: 2) == 30)
        #expect(bus.statistics.succeeded == 60)
        await bus.close()
    }

    @Test("a connection reset mid-run is repaired: reconnect, retry once, succeed")
    func reconnectAfterReset() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout])
        defer { server.stop() }
        server.setHolding(unit: 1, 507, [4242])
        let events = Mutex<[ModbusBusEvent]>([])
        let bus = bus(server, retry: ModbusRetryPolicy(retries: 2, initialBackoff: .milliseconds(5)),
                      events: { e in events.withLock { $0.append(e) } })
        #expect(try await bus.readHoldingRegisters(unit: 1, address: 507, count: 1) == [4242])
        server.dropConnectionOnNextRequest()
        #expect(try await bus.readHoldingRegisters(unit: 1, address: 507, count: 1) == [4242])
        let stats = bus.statistics
        #expect(stats.reconnects == 1 && stats.retries == 1 && stats.timeouts == 0 && stats.succeeded == 2)
        #expect(events.withLock { $0.contains(.reconnected(endpoint: bus.configuration.endpoint.description)) })
        await bus.close()
    }

    @Test("a read to unit 0 is refused before it reaches the wire; unit0_replies allows it for devices that answer")
    func broadcastRead() async throws {
        let server = try ModbusTestServer.tcp(units: [0: Self.layout])
        defer { server.stop() }
        let strict = bus(server)
        do {
            _ = try await strict.readHoldingRegisters(unit: 0, address: 0, count: 1)
            Issue.record("read to unit 0 was sent")
        } catch {
            #expect(error == .broadcastRead(ModbusRequestSummary(unit: 0, function: .readHoldingRegisters, address: 0, count: 1)))
            #expect(error.description.contains("unit 0 is the Modbus broadcast address"))
        }
        #expect(server.requests == 0 && strict.statistics.refused == 1 && strict.statistics.transactions == 0)
        await strict.close()

        let ea = ModbusBus(ModbusBusConfiguration(endpoint: .tcp(host: "127.0.0.1", port: Int(server.port)), unitZeroReplies: true))
        #expect(try await ea.readHoldingRegisters(unit: 0, address: 0, count: 1) == [0])
        await ea.close()
    }

    @Test("nothing listening: connect() gives up after the retries with the reason")
    func connectionRefused() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout])
        let port = Int(server.port)
        server.stop()
        let bus = ModbusBus(ModbusBusConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port),
                                                   retry: ModbusRetryPolicy(retries: 1, initialBackoff: .milliseconds(1))))
        do {
            try await bus.connect()
            Issue.record("connected to a closed port")
        } catch {
            #expect(error == .disconnected(endpoint: "tcp:127.0.0.1:\(port)", attempts: 2, reason: "Connection refused"))
        }
        await bus.close()
    }

    @Test("bad requests are refused locally: a count over 125, an address past 65535, a unit over 247 on RTU")
    func refusedLocally() async throws {
        let bus = ModbusBus(ModbusBusConfiguration(endpoint: .rtu(path: "/nonexistent/tty", framing: SerialFraming())))
        await #expect(throws: ModbusError.self) { _ = try await bus.readHoldingRegisters(unit: 1, address: 0, count: 126) }
        await #expect(throws: ModbusError.self) { _ = try await bus.readHoldingRegisters(unit: 1, address: 65_535, count: 2) }
        await #expect(throws: ModbusError.self) { try await bus.writeRegister(unit: 248, address: 0, value: 1) }
        #expect(bus.statistics.refused == 3 && bus.statistics.attempts == 0)
        await bus.close()
    }

    @Test("close() fails queued work with .closed and later calls too")
    func closeFailsLaterCalls() async throws {
        let server = try ModbusTestServer.tcp(units: [1: Self.layout])
        defer { server.stop() }
        let bus = bus(server)
        _ = try await bus.readHoldingRegisters(unit: 1, address: 0, count: 1)
        await bus.close()
        await #expect(throws: ModbusError.closed) { _ = try await bus.readHoldingRegisters(unit: 1, address: 0, count: 1) }
    }

    @Test("the retry backoff doubles from the initial wait and stops at the cap")
    func backoff() {
        let p = ModbusRetryPolicy(retries: 6, initialBackoff: .milliseconds(20), multiplier: 2, maxBackoff: .milliseconds(100))
        #expect((1...5).map { p.backoff(beforeRetry: $0) } == [.milliseconds(20), .milliseconds(40), .milliseconds(80), .milliseconds(100), .milliseconds(100)])
    }

    @Test("callers waiting on slow buses do not hold Swift's cooperative threads")
    func waitingDoesNotBlockThePool() async throws {
        // More stuck transactions than the pool has threads (other suites share the pool while
        // this runs, so the check counts requests in flight rather than timing anything).
        let n = ProcessInfo.processInfo.activeProcessorCount + 2
        let servers = try (0..<n).map { _ in try ModbusTestServer.tcp(units: [1: Self.layout]) }
        defer { servers.forEach { $0.stop() } }
        for s in servers { s.setReplyDelay(.milliseconds(12_000)) }
        let buses = servers.map { bus($0, timeout: .seconds(30), retry: .none) }
        let reads = Task {
            try await withThrowingTaskGroup(of: [UInt16].self) { group in
                for b in buses { group.addTask { try await b.readHoldingRegisters(unit: 1, address: 0, count: 1) } }
                return try await group.reduce(into: 0) { n, _ in n += 1 }
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while servers.contains(where: { $0.requests == 0 }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        // Every transaction is in flight at once, more than the pool has threads: had a waiting
        // caller held a pool thread, at most the pool's width could have been sent before the
        // first reply, 12 s later.
        #expect(servers.allSatisfy { $0.requests == 1 })
        #expect(try await reads.value == n)
        for b in buses { await b.close() }
    }
}
