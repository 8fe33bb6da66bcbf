/// Why a transaction failed, after our recovery policy has done what it can.
public enum ModbusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The device answered with a Modbus exception (never retried).
    case exception(ModbusException, ModbusRequestSummary)
    /// No complete reply within the response timeout, on every attempt.
    case timeout(ModbusRequestSummary, attempts: Int)
    /// Every reply failed its integrity checks (bad CRC, wrong transaction id or unit, bad length).
    case corruptReply(ModbusRequestSummary, attempts: Int, reason: String)
    /// The connection could not be (re-)established or kept.
    case disconnected(endpoint: String, attempts: Int, reason: String)
    /// A read addressed to unit 0, the broadcast address, to which no device replies.
    case broadcastRead(ModbusRequestSummary)
    /// Refused before anything was sent (bad unit, address or count).
    case invalidRequest(String)
    /// Another failure reported by libmodbus; not retried.
    case failed(ModbusRequestSummary, errno: Int32, reason: String)
    /// The bus was closed before the transaction ran.
    case closed

    public var description: String {
        switch self {
        case .exception(let e, let r):
            "\(r): \(e.explanation(for: r)) (Modbus exception \(e.rawValue))"
        case .timeout(let r, let n):
            "\(r): no reply within the response timeout (\(n) attempt\(n == 1 ? "" : "s"))"
        case .corruptReply(let r, let n, let why):
            "\(r): corrupt reply: \(why) (\(n) attempt\(n == 1 ? "" : "s"))"
        case .disconnected(let endpoint, let n, let why):
            "\(endpoint): connection lost: \(why) (\(n) attempt\(n == 1 ? "" : "s"))"
        case .broadcastRead(let r):
            "\(r): unit 0 is the Modbus broadcast address and no device replies to it; address the device by its own unit id (or set unit0_replies for a device that does answer unit 0)"
        case .invalidRequest(let why):
            "invalid Modbus request: \(why)"
        case .failed(let r, let code, let why):
            "\(r): \(why) (errno \(code))"
        case .closed:
            "the Modbus bus is closed"
        }
    }

    /// The device's exception, if this is one.
    public var modbusException: ModbusException? {
        if case .exception(let e, _) = self { return e }
        return nil
    }
}
