/// One Modbus bus (a serial line or a TCP peer) shared by every channel on it.
///
/// All libmodbus work happens on the bus's own owner thread, because libmodbus blocks and is not
/// thread-safe. Callers `await` transactions from any task; they queue in order and complete
/// from the owner thread, so no Swift concurrency thread ever blocks on the line. Several
/// devices share one RTU bus by unit id: each transaction carries its own.
///
/// ```swift
/// let bus = ModbusBus(ModbusBusConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 1502)))
/// let words = try await bus.readHoldingRegisters(unit: 1, address: 507, count: 3)
/// try await bus.writeCoil(unit: 1, address: 405, value: true)
/// ```
///
/// Failures arrive as `ModbusError` after our recovery policy (`ModbusRetryPolicy`) is spent. A
/// transaction is not cancelled by cancelling the awaiting task: once sent, a request's effect
/// on the device cannot be taken back, and the wait is bounded by timeouts × attempts.
public final class ModbusBus: Sendable {
    public let configuration: ModbusBusConfiguration
    /// The one thread that owns the bus's libmodbus context (libmodbus is blocking and not thread-safe).
    private let owner: BlockingOwnerThread<ModbusConnection>
    private let counters = ModbusCounters()
    private let runner: ModbusTransactionRunner

    /// Starts the owner thread; the connection is opened by the first transaction (or `connect()`).
    /// `events` is called on the owner thread for every retry, reconnection and final failure:
    /// keep it short.
    public init(_ configuration: ModbusBusConfiguration, events: (@Sendable (ModbusBusEvent) -> Void)? = nil) {
        self.configuration = configuration
        self.owner = BlockingOwnerThread(name: "modbus \(configuration.endpoint)",
                                         make: { ModbusConnection(configuration) }, finish: { $0.disconnect() })
        self.runner = ModbusTransactionRunner(configuration: configuration, counters: counters, events: events)
    }

    deinit {
        owner.stop()
    }

    /// Counters since the bus was created.
    public var statistics: ModbusBusStatistics { counters.snapshot }

    // MARK: transactions

    /// FC03. `count` ≤ 125.
    public func readHoldingRegisters(unit: Int, address: Int, count: Int) async throws(ModbusError) -> [UInt16] {
        try await registers(.readHoldingRegisters, unit: unit, address: address, count: count)
    }

    /// FC04. `count` ≤ 125.
    public func readInputRegisters(unit: Int, address: Int, count: Int) async throws(ModbusError) -> [UInt16] {
        try await registers(.readInputRegisters, unit: unit, address: address, count: count)
    }

    /// FC01. `count` ≤ 2000.
    public func readCoils(unit: Int, address: Int, count: Int) async throws(ModbusError) -> [Bool] {
        try await bits(.readCoils, unit: unit, address: address, count: count)
    }

    /// FC02. `count` ≤ 2000.
    public func readDiscreteInputs(unit: Int, address: Int, count: Int) async throws(ModbusError) -> [Bool] {
        try await bits(.readDiscreteInputs, unit: unit, address: address, count: count)
    }

    /// FC06.
    public func writeRegister(unit: Int, address: Int, value: UInt16) async throws(ModbusError) {
        let summary = ModbusRequestSummary(unit: unit, function: .writeSingleRegister, address: address, count: 1)
        _ = try await perform(ModbusRequest(summary: summary, registers: [value]))
    }

    /// FC16. 1 … 123 values.
    public func writeRegisters(unit: Int, address: Int, values: [UInt16]) async throws(ModbusError) {
        let summary = ModbusRequestSummary(unit: unit, function: .writeMultipleRegisters, address: address, count: values.count)
        _ = try await perform(ModbusRequest(summary: summary, registers: values))
    }

    /// FC05 (sent as 0xFF00 for true, 0x0000 for false).
    public func writeCoil(unit: Int, address: Int, value: Bool) async throws(ModbusError) {
        let summary = ModbusRequestSummary(unit: unit, function: .writeSingleCoil, address: address, count: 1)
        _ = try await perform(ModbusRequest(summary: summary, coil: value))
    }

    /// Opens the connection now (with the retry policy) instead of on the first transaction, so a
    /// wrong path or a refused port is reported at start-up.
    public func connect() async throws(ModbusError) {
        let configuration = configuration
        let result: Result<Void, ModbusError> = await withCheckedContinuation { continuation in
            owner.submit(.init(run: { connection in
                var tries = 0
                while true {
                    tries += 1
                    guard let reason = connection.connect() else {
                        return continuation.resume(returning: .success(()))
                    }
                    if tries > configuration.retry.retries {
                        return continuation.resume(returning: .failure(
                            .disconnected(endpoint: configuration.endpoint.description, attempts: tries, reason: reason)))
                    }
                    OwnerThreadSleep.sleep(configuration.retry.backoff(beforeRetry: tries))
                }
            }, cancel: { continuation.resume(returning: .failure(.closed)) }))
        }
        try result.get()
    }

    /// Stops taking transactions, fails queued ones with `.closed`, lets a running one finish,
    /// then closes the connection; returns when the owner thread has ended.
    public func close() async {
        owner.stop()
        await owner.finished()
    }

    // MARK: plumbing

    private func registers(_ f: ModbusFunction, unit: Int, address: Int, count: Int) async throws(ModbusError) -> [UInt16] {
        let summary = ModbusRequestSummary(unit: unit, function: f, address: address, count: count)
        guard case .registers(let words) = try await perform(ModbusRequest(summary: summary)) else { return [] }
        return words
    }

    private func bits(_ f: ModbusFunction, unit: Int, address: Int, count: Int) async throws(ModbusError) -> [Bool] {
        let summary = ModbusRequestSummary(unit: unit, function: f, address: address, count: count)
        guard case .bits(let values) = try await perform(ModbusRequest(summary: summary)) else { return [] }
        return values
    }

    private func perform(_ request: ModbusRequest) async throws(ModbusError) -> ModbusResponse {
        if let refusal = refusal(of: request) {
            counters.update { $0.refused += 1 }
            throw refusal
        }
        let runner = runner
        let result: Result<ModbusResponse, ModbusError> = await withCheckedContinuation { continuation in
            owner.submit(.init(run: { connection in
                continuation.resume(returning: runner.run(request, on: connection))
            }, cancel: { continuation.resume(returning: .failure(.closed)) }))
        }
        return try result.get()
    }

    /// Checks made before queueing, so a request that cannot be right never reaches the wire.
    private func refusal(of request: ModbusRequest) -> ModbusError? {
        let s = request.summary
        let maxUnit = configuration.endpoint.isRTU ? 247 : 255
        guard (0...maxUnit).contains(s.unit) else {
            return .invalidRequest("unit \(s.unit) is outside 0…\(maxUnit)")
        }
        if s.unit == 0 && s.function.isRead && !configuration.unitZeroReplies {
            return .broadcastRead(s)
        }
        guard (1...s.function.maxCount).contains(s.count) else {
            return .invalidRequest("\(s.function) takes 1…\(s.function.maxCount) items, not \(s.count)")
        }
        guard s.address >= 0, s.address + s.count <= 65_536 else {
            return .invalidRequest("\(s.target) is outside the 16-bit address space")
        }
        return nil
    }
}
