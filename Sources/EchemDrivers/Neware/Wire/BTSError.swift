/// Why a BTS API command failed, said so an operator knows what to check.
public enum BTSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No TCP connection to the BTS Client (API not enabled, wrong host/port, firewall).
    case cannotConnect(host: String, port: Int, reason: String)
    /// No complete reply within the command timeout (30 s by default, the protocol's own bound).
    /// The connection is closed, so a late reply cannot be taken for the next command's.
    case timeout(command: String, seconds: Double)
    /// The peer closed or reset the connection mid-command.
    case connectionLost(command: String, reason: String)
    /// The BTS Client answered the command as a whole with something other than `ok`
    /// (e.g. `<result>false</result>`), with the text it gave.
    case deviceError(command: String, text: String)
    /// One channel's element came back with something other than `ok` (e.g. `start` → `false`).
    case refused(command: String, channel: BTSChannelAddress, text: String)
    /// The reply was not the reply to this command, or could not be read.
    case unexpectedReply(command: String, reason: String)
    /// The request itself is not valid (caught before sending).
    case invalidRequest(String)
    /// `download` rows did not continue the sequence: a row is missing or repeated.
    case seqidGap(channel: BTSChannelAddress, expected: Int, got: Int)
    /// The client was closed.
    case closed

    public var description: String {
        switch self {
        case .cannotConnect(let h, let p, let r):
            return "cannot connect to the BTS Client at \(h):\(p): \(r) (is the API enabled in BTS under Help → Mode settings, and the port right?)"
        case .timeout(let c, let s):
            return "\(c): no reply from the BTS Client within \(s) s; connection closed, the next command reconnects"
        case .connectionLost(let c, let r): return "\(c): connection to the BTS Client lost: \(r)"
        case .deviceError(let c, let t): return "\(c): the BTS Client answered '\(t)'"
        case .refused(let c, let ch, let t): return "\(c) on channel \(ch): the BTS Client answered '\(t)' (expected 'ok')"
        case .unexpectedReply(let c, let r): return "\(c): unexpected reply: \(r)"
        case .invalidRequest(let r): return "invalid BTS request: \(r)"
        case .seqidGap(let ch, let e, let g):
            return "download on channel \(ch): expected seqid \(e), got \(g) (rows missing or repeated)"
        case .closed: return "the BTS client was closed"
        }
    }
}
