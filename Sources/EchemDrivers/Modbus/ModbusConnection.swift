import CModbus
#if canImport(Glibc)
import Glibc
#endif

/// One libmodbus context and its connection. libmodbus blocks in every call and is not
/// thread-safe, so an instance is created, used and destroyed on its bus's owner thread only
/// (it is deliberately not `Sendable`).
final class ModbusConnection {
    let configuration: ModbusBusConfiguration
    private var context: OpaquePointer?
    private(set) var isConnected = false
    /// Successful opens so far; every one after the first is a reconnection.
    private(set) var opens = 0
    /// When the last transaction ended, for the inter-frame delay.
    private var lastFrameEnd: ContinuousClock.Instant?

    init(_ configuration: ModbusBusConfiguration) {
        self.configuration = configuration
    }

    deinit {
        if let context {
            if isConnected { modbus_close(context) }
            modbus_free(context)
        }
    }

    /// Opens the serial device or TCP connection; on failure returns the reason.
    func connect() -> String? {
        if isConnected { return nil }
        if context == nil {
            guard let ctx = makeContext() else {
                return "cannot create a libmodbus context for \(configuration.endpoint): \(ModbusFailure.message(errno))"
            }
            context = ctx
        }
        guard modbus_connect(context) == 0 else {
            return ModbusFailure.message(errno)
        }
        isConnected = true
        opens += 1
        return nil
    }

    /// Drops the connection; the context is kept and reconnected on the next attempt.
    func disconnect() {
        if let context, isConnected { modbus_close(context) }
        isConnected = false
    }

    /// Discards whatever is left in the receive buffer, e.g. the tail of a late reply.
    func flush() {
        if let context, isConnected { _ = modbus_flush(context) }
    }

    /// Waits out the inter-frame delay since the previous transaction.
    func waitForQuietLine() {
        guard configuration.interFrameDelay > .zero, let last = lastFrameEnd else { return }
        let ready = last.advanced(by: configuration.interFrameDelay)
        let now = ContinuousClock.now
        if ready > now { OwnerThreadSleep.sleep(ready - now) }
    }

    /// One attempt at a transaction: exactly one libmodbus call. Returns errno on failure.
    func execute(_ request: ModbusRequest) -> Result<ModbusResponse, ModbusCallError> {
        defer { lastFrameEnd = .now }
        guard let ctx = context, isConnected else { return .failure(ModbusCallError(code: ENOTCONN)) }
        guard modbus_set_slave(ctx, Int32(request.unit)) == 0 else { return .failure(ModbusCallError(code: errno)) }
        let address = Int32(request.address), count = Int32(request.count)
        switch request.function {
        case .readHoldingRegisters, .readInputRegisters:
            var words = [UInt16](repeating: 0, count: request.count)
            let rc = words.withUnsafeMutableBufferPointer { buffer in
                request.function == .readHoldingRegisters
                    ? modbus_read_registers(ctx, address, count, buffer.baseAddress)
                    : modbus_read_input_registers(ctx, address, count, buffer.baseAddress)
            }
            return checked(rc, expected: count, .registers(words))
        case .readCoils, .readDiscreteInputs:
            var bits = [UInt8](repeating: 0, count: request.count)
            let rc = bits.withUnsafeMutableBufferPointer { buffer in
                request.function == .readCoils
                    ? modbus_read_bits(ctx, address, count, buffer.baseAddress)
                    : modbus_read_input_bits(ctx, address, count, buffer.baseAddress)
            }
            return checked(rc, expected: count, .bits(bits.map { $0 != 0 }))
        case .writeSingleRegister:
            return checked(modbus_write_register(ctx, address, request.registers[0]), expected: 1, .written)
        case .writeMultipleRegisters:
            let rc = request.registers.withUnsafeBufferPointer { modbus_write_registers(ctx, address, count, $0.baseAddress) }
            return checked(rc, expected: count, .written)
        case .writeSingleCoil:
            return checked(modbus_write_bit(ctx, address, request.coil ? 1 : 0), expected: 1, .written)
        }
    }

    /// libmodbus returns -1 with errno set, or the number of items handled.
    private func checked(_ rc: Int32, expected: Int32, _ value: ModbusResponse) -> Result<ModbusResponse, ModbusCallError> {
        if rc == -1 { return .failure(ModbusCallError(code: errno)) }
        if rc != expected { return .failure(ModbusCallError(code: ModbusFailure.badData)) }
        return .success(value)
    }

    private func makeContext() -> OpaquePointer? {
        let ctx: OpaquePointer?
        switch configuration.endpoint {
        case .rtu(let path, let f):
            ctx = modbus_new_rtu(path, Int32(f.baud), f.parity.libmodbusCode, Int32(f.dataBits), Int32(f.stopBits))
        case .tcp(let host, let port):
            ctx = modbus_new_tcp(host, Int32(port))
        }
        guard let ctx else { return nil }
        // Recovery is ours (ModbusTransactionRunner); libmodbus's LINK mode can block for seconds.
        _ = modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE)
        let (rs, ru) = configuration.responseTimeout.secondsAndMicroseconds
        _ = modbus_set_response_timeout(ctx, rs, ru)
        let (bs, bu) = configuration.byteTimeout?.secondsAndMicroseconds ?? (0, 0)
        _ = modbus_set_byte_timeout(ctx, bs, bu)
        return ctx
    }
}

/// errno of a failed libmodbus call.
struct ModbusCallError: Error, Sendable, Equatable {
    var code: Int32
}

/// Blocking sleeps, for the owner thread only (backoff, inter-frame delay): that thread exists
/// to block, and nothing else waits on it meanwhile except its own queue.
enum OwnerThreadSleep {
    static func sleep(_ d: Duration) {
        guard d > .zero else { return }
        let (s, atto) = d.components
        var request = timespec(tv_sec: Int(s), tv_nsec: Int(atto / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
