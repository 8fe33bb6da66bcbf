import EchemCore
import EchemEngine
import Foundation

/// A request line, parsed loosely (JSON object) and read with errors that say which field and
/// what would be valid.
struct Request {
    let object: [String: Any]
    let op: String
    let id: Any?

    static let controlOps: Set<String> = ["submit", "cancel", "pause", "resume", "stop", "goto", "export"]
    static let watchOps: Set<String> = ["status", "channels", "queue", "subscribe", "unsubscribe", "ping"]
    static var allOps: [String] { (controlOps.union(watchOps)).sorted() }

    init(line: String) throws(RequestError) {
        guard let data = line.data(using: .utf8),
              let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw .badRequest("not JSON: each request is one JSON object on one line, e.g. {\"v\":1,\"op\":\"status\"}")
        }
        guard let object = parsed as? [String: Any] else {
            throw .badRequest("expected a JSON object such as {\"v\":1,\"op\":\"status\"}")
        }
        self.object = object
        self.id = object["id"]
        if let v = object["v"] {
            guard let num = v as? NSNumber, !Request.isBool(num), num.intValue == SocketProtocol.version,
                  num.doubleValue == Double(SocketProtocol.version) else {
                throw .badRequest("unsupported protocol version \(v) (this daemon speaks v \(SocketProtocol.version))")
            }
        }
        guard let op = object["op"] as? String else {
            throw .badRequest("missing field 'op' (expected one of: \(Request.allOps.joined(separator: ", ")))")
        }
        guard Request.controlOps.contains(op) || Request.watchOps.contains(op) else {
            throw .badRequest("unknown op '\(op)' (expected one of: \(Request.allOps.joined(separator: ", ")))")
        }
        self.op = op
    }

    /// JSONSerialization hands back JSON true/false as NSNumber; tell them apart from 1 and 0.
    static func isBool(_ n: NSNumber) -> Bool {
        // JSON numbers never decode to a char-typed NSNumber; booleans always do.
        String(cString: n.objCType) == "c"
    }

    func string(_ key: String) throws(RequestError) -> String? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw .badRequest("field '\(key)': expected a string") }
        return s
    }

    func requiredString(_ key: String, _ what: String) throws(RequestError) -> String {
        guard let s = try string(key), !s.isEmpty else { throw .badRequest("missing field '\(key)' (\(what))") }
        return s
    }

    func int(_ key: String) throws(RequestError) -> Int64? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded() else {
            throw .badRequest("field '\(key)': expected an integer")
        }
        return n.int64Value
    }

    func bool(_ key: String) throws(RequestError) -> Bool? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let b = v as? Bool else { throw .badRequest("field '\(key)': expected true or false") }
        return b
    }

    func pauseMode() throws(RequestError) -> PauseMode {
        guard let s = try string("mode") else { return .atStepEnd }
        guard let m = PauseMode(rawValue: s) else { throw .badRequest("field 'mode': '\(s)' (expected at_step_end or now)") }
        return m
    }

    /// The optional `target` object of a submit: channel, potentiostat, recovery, priority.
    func jobTarget() throws(RequestError) -> JobTarget? {
        guard let v = object["target"], !(v is NSNull) else { return nil }
        guard let t = v as? [String: Any] else { throw .badRequest("field 'target': expected an object with channel, potentiostat, recovery, priority") }
        let known: Set<String> = ["channel", "potentiostat", "recovery", "priority"]
        if let extra = t.keys.first(where: { !known.contains($0) }) {
            throw .badRequest("field 'target.\(extra)' is unknown (expected channel, potentiostat, recovery, priority)")
        }
        var target = JobTarget()
        for key in ["channel", "potentiostat", "recovery"] where t[key] != nil && !(t[key] is NSNull) && !(t[key] is String) {
            throw .badRequest("field 'target.\(key)': expected a string")
        }
        if let c = t["channel"] as? String { target.channel = c == "any" ? nil : c }
        if let p = t["potentiostat"] as? String { target.potentiostat = p }
        if let r = t["recovery"] as? String {
            guard let policy = RecoveryPolicy(rawValue: r) else { throw .badRequest("field 'target.recovery': '\(r)' (expected resume or stop)") }
            target.recovery = policy
        }
        if let p = t["priority"], !(p is NSNull) {
            guard let n = p as? NSNumber, !Request.isBool(n), n.doubleValue == n.doubleValue.rounded(), abs(n.doubleValue) <= 1000 else {
                throw .badRequest("field 'target.priority': expected an integer from -1000 to 1000")
            }
            target.priority = n.intValue
        }
        return target
    }
}

/// What a request can fail with; `code` is stable for programs, `message` is for people.
enum RequestError: Error {
    case badRequest(String)
    case forbidden(String)
    case notFound(String)
    case conflict(String)
    case invalidProtocol(String, diagnostics: [String])
    case internalError(String)

    var code: String {
        switch self {
        case .badRequest: return "bad_request"
        case .forbidden: return "forbidden"
        case .notFound: return "not_found"
        case .conflict: return "conflict"
        case .invalidProtocol: return "invalid_protocol"
        case .internalError: return "internal"
        }
    }

    var message: String {
        switch self {
        case .badRequest(let m), .forbidden(let m), .notFound(let m), .conflict(let m), .internalError(let m): return m
        case .invalidProtocol(let m, _): return m
        }
    }
}
