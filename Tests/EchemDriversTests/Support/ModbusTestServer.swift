import CModbus
import EchemWireSim
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real libmodbus server for tests, run on its own thread: Modbus TCP on 127.0.0.1 (a free
/// port chosen by the kernel) or Modbus RTU on the master side of a pseudo-terminal. It answers
/// with `modbus_reply` from one mapping per unit id, counts requests, and can misbehave on
/// demand (late replies, a dropped connection).
final class ModbusTestServer: @unchecked Sendable {
    /// Address ranges of one unit's data tables.
    struct Layout {
        var coils = 0..<0
        var discreteInputs = 0..<0
        var holding = 0..<0
        var input = 0..<0
    }

    enum ServerError: Error { case setup(String) }

    /// Where clients connect: the TCP port, or the pty's slave path.
    let port: Int32
    let ptyPath: String?

    // Guarded by `lock`: the mappings, the counters and the fault switches.
    private let lock = NSLock()
    private var mappings: [UInt8: UnsafeMutablePointer<modbus_mapping_t>] = [:]
    private var requestsByUnit: [UInt8: Int] = [:]
    private var functionLog: [UInt8] = []
    private var delay: Duration = .zero
    private var dropNext = false

    private let context: OpaquePointer
    private let listenSocket: Int32
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    private init(context: OpaquePointer, listenSocket: Int32, port: Int32, ptyPath: String?, units: [UInt8: Layout]) throws {
        self.context = context
        self.listenSocket = listenSocket
        self.port = port
        self.ptyPath = ptyPath
        for (unit, l) in units {
            guard let m = modbus_mapping_new_start_address(
                UInt32(l.coils.lowerBound), UInt32(l.coils.count), UInt32(l.discreteInputs.lowerBound), UInt32(l.discreteInputs.count),
                UInt32(l.holding.lowerBound), UInt32(l.holding.count), UInt32(l.input.lowerBound), UInt32(l.input.count)) else {
                throw ServerError.setup("modbus_mapping_new_start_address failed")
            }
            mappings[unit] = m
        }
        // Servers poll their stop flag between requests.
        modbus_set_indication_timeout(context, 0, 50_000)
    }

    deinit {
        for m in mappings.values { modbus_mapping_free(m) }
        modbus_free(context)
    }

    /// Modbus TCP on 127.0.0.1 with one mapping per unit id.
    static func tcp(units: [UInt8: Layout]) throws -> ModbusTestServer {
        guard let ctx = modbus_new_tcp("127.0.0.1", 0) else { throw ServerError.setup("modbus_new_tcp") }
        let fd = modbus_tcp_listen(ctx, 4)
        guard fd >= 0 else { modbus_free(ctx); throw ServerError.setup("listen: \(String(cString: modbus_strerror(errno)))") }
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let server = try ModbusTestServer(context: ctx, listenSocket: fd, port: Int32(UInt16(bigEndian: addr.sin_port)), ptyPath: nil, units: units)
        server.start(name: "modbus test server tcp") { $0.serveTCP() }
        return server
    }

    /// Modbus RTU as unit `unit` on a new pseudo-terminal; clients open `ptyPath`.
    static func rtuOnPseudoTerminal(unit: UInt8, layout: Layout) throws -> ModbusTestServer {
        let pty = try PseudoTerminal()
        // The path is never opened: the context talks through the pty master given to it below.
        guard let ctx = modbus_new_rtu("/dev/null", 115_200, CChar(UInt8(ascii: "N")), 8, 1) else { throw ServerError.setup("modbus_new_rtu") }
        modbus_set_slave(ctx, Int32(unit))
        modbus_set_socket(ctx, pty.master)
        let server = try ModbusTestServer(context: ctx, listenSocket: pty.master, port: 0, ptyPath: pty.slavePath, units: [unit: layout])
        server.start(name: "modbus test server rtu") { $0.serveRTU() }
        return server
    }

    // MARK: controls for tests

    /// Requests received (every unit, including ones answered with an exception).
    var requests: Int { lock.withLock { requestsByUnit.values.reduce(0, +) } }
    func requests(unit: UInt8) -> Int { lock.withLock { requestsByUnit[unit] ?? 0 } }

    /// Function codes of the requests received, in order.
    var functionCodes: [UInt8] { lock.withLock { functionLog } }

    /// Every reply waits this long first.
    func setReplyDelay(_ d: Duration) { lock.withLock { delay = d } }

    /// The next request is not answered and its connection is closed (a reset, to the client).
    func dropConnectionOnNextRequest() { lock.withLock { dropNext = true } }

    /// Reads or changes a unit's tables (under the lock the reply loop takes).
    func withMapping<T>(unit: UInt8, _ body: (UnsafeMutablePointer<modbus_mapping_t>) -> T) -> T {
        lock.withLock { body(mappings[unit]!) }
    }

    func holding(unit: UInt8, _ address: Int) -> UInt16 {
        withMapping(unit: unit) { $0.pointee.tab_registers[address - Int($0.pointee.start_registers)] }
    }

    func setHolding(unit: UInt8, _ address: Int, _ values: [UInt16]) {
        withMapping(unit: unit) { m in
            for (i, v) in values.enumerated() { m.pointee.tab_registers[address + i - Int(m.pointee.start_registers)] = v }
        }
    }

    func setInput(unit: UInt8, _ address: Int, _ values: [UInt16]) {
        withMapping(unit: unit) { m in
            for (i, v) in values.enumerated() { m.pointee.tab_input_registers[address + i - Int(m.pointee.start_input_registers)] = v }
        }
    }

    func coil(unit: UInt8, _ address: Int) -> Bool {
        withMapping(unit: unit) { $0.pointee.tab_bits[address - Int($0.pointee.start_bits)] != 0 }
    }

    func setDiscrete(unit: UInt8, _ address: Int, _ values: [Bool]) {
        withMapping(unit: unit) { m in
            for (i, v) in values.enumerated() { m.pointee.tab_input_bits[address + i - Int(m.pointee.start_input_bits)] = v ? 1 : 0 }
        }
    }

    /// Ends the server thread and closes its sockets.
    func stop() {
        guard !stopFlag.exchange(true, ordering: .sequentiallyConsistent) else { return }
        done.wait()
        close(listenSocket)
    }

    // MARK: server loops (server thread only)

    private func start(name: String, _ body: @escaping @Sendable (ModbusTestServer) -> Void) {
        let thread = Thread { [self] in
            body(self)
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    private var stopping: Bool { stopFlag.load(ordering: .sequentiallyConsistent) }

    private func serveTCP() {
        var listening = listenSocket
        while !stopping {
            var p = pollfd(fd: listenSocket, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let client = modbus_tcp_accept(context, &listening)
            guard client >= 0 else { continue }
            serveConnection()
            close(client)
        }
    }

    private func serveRTU() {
        serveConnection()
    }

    /// Receive-reply loop for one connection; returns when the peer goes away, the server is
    /// told to drop the connection, or it stops.
    private func serveConnection() {
        var query = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        let unitOffset = Int(modbus_get_header_length(context)) - 1
        let isRTU = ptyPath != nil
        while !stopping {
            let rc = modbus_receive(context, &query)
            if rc == 0 {
                // RTU: a frame for another unit. Stock libmodbus then takes the *next* frame as
                // that unit's reply and reads it with a reply's length; with no such unit on the
                // line that is our master's next request, cut short. Dropping the rest keeps the
                // server in step, as a real slave does on the silent interval.
                if isRTU { modbus_flush(context) }
                continue
            }
            if rc < 0 {
                let e = errno
                if e == ETIMEDOUT { continue }                // idle: look at the stop flag
                if isRTU {                                    // pty not opened yet (EIO), or a bad frame
                    modbus_flush(context)
                    usleep(10_000)
                    continue
                }
                return                                        // TCP peer closed
            }
            let unit = query[unitOffset]
            let (wait, drop) = lock.withLock { () -> (Duration, Bool) in
                requestsByUnit[unit, default: 0] += 1
                functionLog.append(query[unitOffset + 1])
                defer { dropNext = false }
                return (delay, dropNext)
            }
            if drop { return }
            if wait > .zero { usleep(UInt32(wait.components.seconds * 1_000_000 + wait.components.attoseconds / 1_000_000_000_000)) }
            lock.withLock {
                // RTU broadcasts (unit 0) act on the server's own unit; modbus_reply sends nothing back.
                let key = isRTU ? mappings.keys.first! : unit
                if let m = mappings[key] {
                    _ = modbus_reply(context, query, rc, m)
                } else {
                    _ = modbus_reply_exception(context, query, UInt32(MODBUS_EXCEPTION_GATEWAY_TARGET))
                }
            }
        }
    }
}
