import CModbus
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What both transports do with one complete request: find the unit, draw a fault, let the
/// device answer through libmodbus, and put the reply (or nothing, or a damaged one) on the wire.
///
/// libmodbus writes its reply straight to the context's socket. To withhold or damage a reply,
/// every reply is first captured: the context is pointed at one end of a socket pair for the
/// `modbus_reply` call, and the bytes are read back from the other end. Used by the server
/// thread only.
final class RequestHandler {
    enum Outcome { case answered, closeConnection }

    let devices: [Int: SimulatedDevice]
    let counters: CounterBox
    let isRTU: Bool
    private var injector: FaultInjector
    private let log: (@Sendable (String) -> Void)?
    private let captureIn: Int32    // libmodbus writes here
    private let captureOut: Int32   // we read the reply here
    private var requestNumber = 0

    init(devices: [Int: SimulatedDevice], counters: CounterBox, faults: FaultPlan, isRTU: Bool,
         log: (@Sendable (String) -> Void)?) throws(SimulatorError) {
        self.devices = devices
        self.counters = counters
        self.isRTU = isRTU
        self.log = log
        injector = FaultInjector(faults)
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw SimulatorError("socketpair: \(String(cString: strerror(errno)))")
        }
        captureIn = pair[0]
        captureOut = pair[1]
        _ = fcntl(captureOut, F_SETFL, fcntl(captureOut, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(captureIn)
        close(captureOut)
    }

    /// Handles one request ADU that arrived on `fd` (the TCP connection or the pty master).
    func handle(_ adu: [UInt8], context ctx: OpaquePointer, fd: Int32) -> Outcome {
        let h = Int(modbus_get_header_length(ctx))
        guard let pdu = ModbusPDU(adu: adu, headerLength: h) else {
            counters.update { $0.badFrames += 1 }
            return .answered
        }
        let unit = Int(pdu.unit)
        let targets: [SimulatedDevice]
        if isRTU {
            // Unit 0 is the broadcast: every unit acts on it and none answers.
            guard pdu.isBroadcast || devices[unit] != nil else {
                counters.update { $0.otherUnits += 1 }
                return .answered
            }
            targets = pdu.isBroadcast ? devices.keys.sorted().map { devices[$0]! } : [devices[unit]!]
        } else if let d = devices[unit] ?? ((unit == 0 || unit == 255) && devices.count == 1 ? devices.values.first : nil) {
            targets = [d]   // TCP devices commonly answer 0 and 255 as "this device"
        } else {
            targets = []
        }
        counters.update { $0.requests += 1 }
        requestNumber += 1

        let fault = isRTU && pdu.isBroadcast ? nil : injector.draw(canDisconnect: !isRTU)
        if let fault { record(fault, pdu) }
        switch fault {
        case .disconnect?: return .closeConnection
        case .delay(let d)?: Thread.sleep(forTimeInterval: d.seconds)
        default: break
        }

        let mutableADU = adu
        if targets.isEmpty {
            capture(ctx, fd) { _ = modbus_reply_exception(ctx, mutableADU, UInt32(MODBUS_EXCEPTION_GATEWAY_TARGET)) }
            log?("unit \(unit) is not simulated here: gateway target exception")
        }
        for device in targets {
            device.serve(pdu, answer: { mapping in
                capture(ctx, fd) { _ = modbus_reply(ctx, mutableADU, Int32(mutableADU.count), mapping) }
            }, refuse: { code, why in
                capture(ctx, fd) { _ = modbus_reply_exception(ctx, mutableADU, UInt32(code)) }
                log?("\(pdu): refused with exception \(code): \(why)")
            })
        }
        var reply = drainCapture()
        guard !reply.isEmpty else { return .answered }   // an RTU broadcast: no reply
        if reply.count > h, reply[h] & 0x80 != 0 { counters.update { $0.exceptions += 1 } }
        switch fault {
        case .drop?: return .answered
        case .corrupt?: damage(&reply, headerLength: h)
        default: break
        }
        send(reply, to: fd)
        counters.update { $0.replies += 1 }
        return .answered
    }

    private func record(_ fault: Fault, _ pdu: ModbusPDU) {
        counters.update { c in
            switch fault {
            case .drop: c.dropped += 1
            case .corrupt: c.corrupted += 1
            case .delay: c.delayed += 1
            case .disconnect: c.disconnects += 1
            }
        }
        let what: String
        switch fault {
        case .drop: what = "reply dropped"
        case .corrupt: what = isRTU ? "reply sent with a bad CRC" : "reply sent with a wrong transaction id"
        case .delay(let d): what = "reply delayed \(d.milliseconds) ms"
        case .disconnect: what = "connection closed instead of a reply"
        }
        log?("fault: request \(requestNumber) (\(pdu)): \(what)")
    }

    /// Runs a libmodbus reply call with the context writing into the capture socket.
    private func capture(_ ctx: OpaquePointer, _ fd: Int32, _ body: () -> Void) {
        modbus_set_socket(ctx, captureIn)
        body()
        modbus_set_socket(ctx, fd)
    }

    private func drainCapture() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let n = read(captureOut, &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// RTU: flip the CRC's high byte. TCP: change the transaction id. Each is exactly what a
    /// libmodbus client checks (`EMBBADCRC`, `EMBBADDATA`), like noise on a line or a confused
    /// gateway.
    private func damage(_ reply: inout [UInt8], headerLength h: Int) {
        if isRTU { reply[reply.count - 1] ^= 0xFF } else { reply[0] ^= 0x5A; reply[1] ^= 0xA5 }
    }

    private func send(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw in
                isRTU ? write(fd, raw.baseAddress, raw.count) : Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }   // the client went away; it will time out or reconnect
            offset += n
        }
    }
}
