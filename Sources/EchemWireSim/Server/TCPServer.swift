import CModbus
import EchemDrivers
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Modbus TCP: a listening socket and up to `maxConnections` clients served in turn from one
/// thread (poll, then `modbus_receive` on whichever connection has a request). A client that
/// reconnects after a timeout, as echemd's bus does, is simply a new connection.
final class TCPServer: @unchecked Sendable {
    // @unchecked: the context and the connection list are touched by the server thread only;
    // the rest is immutable or Sendable.
    let endpoint: ModbusEndpoint
    private let context: OpaquePointer
    private let listenFD: Int32
    private let handler: RequestHandler
    private let thread = ServerThread()
    private let counters: CounterBox
    private var clients: [Int32] = []
    static let maxConnections = 8

    init(host: String, port: Int, handler: RequestHandler, counters: CounterBox) throws(SimulatorError) {
        var probe = in_addr()
        guard inet_pton(AF_INET, host, &probe) == 1 else {
            throw SimulatorError("--tcp \(host): expected an IPv4 address such as 127.0.0.1")
        }
        guard (0...65_535).contains(port), let ctx = modbus_new_tcp(host, Int32(port)) else {
            throw SimulatorError("--tcp \(host):\(port): not a usable address and port")
        }
        let fd = modbus_tcp_listen(ctx, Int32(Self.maxConnections))
        guard fd >= 0 else {
            let why = String(cString: modbus_strerror(errno))
            modbus_free(ctx)
            throw SimulatorError("cannot listen on \(host):\(port): \(why)")
        }
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        endpoint = .tcp(host: host, port: Int(UInt16(bigEndian: addr.sin_port)))
        context = ctx
        listenFD = fd
        self.handler = handler
        self.counters = counters
        // A request that has begun arriving must finish within a second.
        modbus_set_indication_timeout(ctx, 1, 0)
    }

    deinit {
        stop()
        modbus_free(context)
    }

    func start() { thread.start(name: "echem-sim modbus tcp") { [self] in serve() } }

    /// Ends the loop, then closes the listening socket, so the port is free at once.
    func stop() {
        if thread.stop() { close(listenFD) }
    }

    private func serve() {
        var query = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        while !thread.isStopping {
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
                + clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 20) > 0 else { continue }
            for p in fds.dropFirst() where p.revents != 0 {
                modbus_set_socket(context, p.fd)
                let rc = modbus_receive(context, &query)
                if rc > 0 {
                    if handler.handle(Array(query[0..<Int(rc)]), context: context, fd: p.fd) == .closeConnection {
                        drop(p.fd)
                    }
                } else if rc < 0 && errno != ETIMEDOUT {
                    drop(p.fd)   // the client closed or reset the connection
                }
            }
            if fds[0].revents & Int16(POLLIN) != 0 { accept() }
        }
        for fd in clients { close(fd) }
        clients.removeAll()
    }

    /// `accept` itself, not `modbus_tcp_accept`: libmodbus 3.1.6 closes the listening socket
    /// when an accept fails.
    private func accept() {
        let fd = Glibc.accept(listenFD, nil, nil)
        guard fd >= 0 else { return }
        guard clients.count < Self.maxConnections else { close(fd); return }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        clients.append(fd)
        counters.update { $0.connections += 1 }
    }

    private func drop(_ fd: Int32) {
        close(fd)
        clients.removeAll { $0 == fd }
    }
}
