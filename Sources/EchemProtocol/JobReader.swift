import EchemCore
import Yams

/// The optional `job:` header: which channel a dropped file runs on and its crash policy.
enum JobReader {
    static let keys = ["channel", "potentiostat", "recovery", "priority"]

    static func read(_ node: Node, _ r: NodeReader) -> JobTarget? {
        guard let m = r.mapping(node, what: "job", keys: keys) else { return nil }
        var target = JobTarget()
        if let n = m["channel"], let s = r.string(n, what: "job.channel") {
            target.channel = (s == "any") ? nil : s
        }
        if let n = m["potentiostat"], let s = r.string(n, what: "job.potentiostat") { target.potentiostat = s }
        if let n = m["recovery"], let s = r.string(n, what: "job.recovery") {
            if let p = RecoveryPolicy(rawValue: s) { target.recovery = p } else {
                r.error(r.loc(n), "unknown recovery policy '\(s)'", expected: "resume or stop")
            }
        }
        if let n = m["priority"], let p = r.int(n, what: "job.priority", range: -1000...1000) { target.priority = p }
        return target
    }
}
