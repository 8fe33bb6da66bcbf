import CModbus
import EchemDrivers
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Modbus RTU on the master side of a pseudo-terminal, with any number of units on the line.
///
/// Frames are cut here (`RTUFraming`) rather than by `modbus_receive`, which filters on one unit
/// id and, after a frame for another unit, takes the next frame for that unit's reply — with no
/// such unit on the line that is the master's next request, cut short. A slave resynchronises
/// on the silent interval instead, and so does this loop: a frame with a bad CRC, an unknown
/// function, or bytes left hanging for `silence` are dropped. libmodbus still composes every
/// reply (`modbus_reply` on an RTU context whose socket is the master).
final class RTUServer: @unchecked Sendable {
    // @unchecked: the context is touched by the server thread only; the rest is immutable.
    let endpoint: ModbusEndpoint
    let link: String?
    private let pty: PseudoTerminal
    private let context: OpaquePointer
    private let handler: RequestHandler
    private let counters: CounterBox
    private let thread = ServerThread()
    /// Far above 3.5 characters at any baud rate: a pty delivers a frame in one piece, so a gap
    /// this long inside one means the rest is never coming.
    static let silence: Duration = .milliseconds(50)

    init(link: String?, framing: SerialFraming, handler: RequestHandler, counters: CounterBox) throws(SimulatorError) {
        pty = try PseudoTerminal()
        let parity: CChar = switch framing.parity {
        case .none: CChar(UInt8(ascii: "N"))
        case .even: CChar(UInt8(ascii: "E"))
        case .odd: CChar(UInt8(ascii: "O"))
        }
        // The path is never opened: the context talks through the pty master set below.
        guard let ctx = modbus_new_rtu("/dev/null", Int32(framing.baud), parity, Int32(framing.dataBits),
                                       Int32(framing.stopBits)) else {
            close(pty.master)
            throw SimulatorError("modbus_new_rtu: \(String(cString: modbus_strerror(errno)))")
        }
        modbus_set_socket(ctx, pty.master)
        context = ctx
        endpoint = .rtu(path: pty.slavePath, framing: framing)
        self.handler = handler
        self.counters = counters
        self.link = link
        if let link {
            // Replace a stale link from an earlier run, never a regular file.
            if let type = try? FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType,
               type == .typeSymbolicLink {
                try? FileManager.default.removeItem(atPath: link)
            }
            guard symlink(pty.slavePath, link) == 0 else {
                let why = String(cString: strerror(errno))
                modbus_free(ctx)
                close(pty.master)
                throw SimulatorError("--link \(link): \(why)")
            }
        }
    }

    deinit {
        stop()
        modbus_free(context)
    }

    func start() { thread.start(name: "echem-sim modbus rtu") { [self] in serve() } }

    /// Ends the loop, removes the link (if it is still ours) and closes the master: the client
    /// sees the line hang up, as when a USB adapter is unplugged.
    func stop() {
        guard thread.stop() else { return }
        if let link, (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == pty.slavePath {
            try? FileManager.default.removeItem(atPath: link)
        }
        close(pty.master)
    }

    private func serve() {
        var buffer: [UInt8] = []
        var lastByte = ContinuousClock.now
        var chunk = [UInt8](repeating: 0, count: 512)
        while !thread.isStopping {
            var p = pollfd(fd: pty.master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 20)
            if ready > 0 && p.revents & Int16(POLLIN) != 0 {
                let n = read(pty.master, &chunk, chunk.count)
                if n > 0 {
                    buffer += chunk[0..<n]
                    lastByte = .now
                } else {
                    noClient(&buffer)    // EIO: no client has the slave side open
                    continue
                }
            } else if ready > 0 && p.revents & Int16(POLLHUP) != 0 {
                noClient(&buffer)
                continue
            }
            let silent = ContinuousClock.now - lastByte >= Self.silence
            cutFrames(&buffer, silent: silent)
            if silent && !buffer.isEmpty {
                counters.update { $0.badFrames += 1 }   // a frame cut short
                buffer.removeAll()
            }
        }
    }

    /// Between clients the master reads EIO or hangs up; wait without spinning, and forget any
    /// partial frame (the cable was unplugged).
    private func noClient(_ buffer: inout [UInt8]) {
        buffer.removeAll()
        usleep(20_000)
    }

    private func cutFrames(_ buffer: inout [UInt8], silent: Bool) {
        while !buffer.isEmpty {
            let frame: [UInt8]
            switch RTUFraming.requestLength(buffer) {
            case .needMore:
                return
            case .bytes(let n):
                guard buffer.count >= n else { return }
                frame = Array(buffer[0..<n])
                buffer.removeFirst(n)
            case .unknown:
                guard silent else { return }     // its end is the silent interval
                frame = buffer
                buffer.removeAll()
            }
            guard RTUFraming.crcIsValid(frame) else {
                // Noise: what follows in the buffer cannot be trusted to start a frame either.
                counters.update { $0.badFrames += 1 }
                buffer.removeAll()
                return
            }
            _ = handler.handle(frame, context: context, fd: pty.master)
        }
    }
}
