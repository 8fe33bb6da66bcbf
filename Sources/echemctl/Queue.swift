import ArgumentParser
import Foundation

/// `echemctl queue`: the daemon's jobs, newest last.
struct QueueList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List echemd's jobs: queued, running and paused, then the last finished ones.")

    @Flag(help: "Every job ever queued, not only the recent ones.")
    var all = false

    @Flag(help: "Print the raw JSON reply.")
    var json = false

    @OptionGroup var socket: SocketOptions

    func run() async throws {
        try runClient {
            let reply = try DaemonClient(socket).request("queue", ["all": all])
            let jobs = reply["jobs"] as? [[String: Any]] ?? []
            if json { return printJSON(reply) }
            if jobs.isEmpty { return print("the queue is empty") }
            print("JOB       STATE      CHANNEL  NAME                                  REASON")
            for j in jobs {
                let id = (j["id"] as? String ?? "").prefix(8)
                let state = (j["state"] as? String ?? "").padding(toLength: 10, withPad: " ", startingAt: 0)
                let ch = (j["channel"] as? String ?? "any").padding(toLength: 8, withPad: " ", startingAt: 0)
                let name = (j["name"] as? String ?? "").padding(toLength: 37, withPad: " ", startingAt: 0)
                print("\(id)  \(state) \(ch) \(name) \(j["reason"] as? String ?? "")")
            }
        }
    }
}

/// `echemctl status`: the daemon and its channels at a glance.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show echemd's state: bench, channels and what runs on them.")

    @Flag(help: "Print the raw JSON replies.")
    var json = false

    @OptionGroup var socket: SocketOptions

    func run() async throws {
        try runClient {
            let client = try DaemonClient(socket)
            let status = try client.request("status")
            let channels = try client.request("channels")
            if json { printJSON(status); printJSON(channels); return }
            let peer = status["peer"] as? [String: Any]
            print("echemd \(status["version"] as? String ?? "?") on bench \(status["bench"] as? String ?? "?") — \(status["config"] as? String ?? "")")
            print("state \(status["state_directory"] as? String ?? "?"); up \(Int((status["uptime"] as? NSNumber)?.doubleValue ?? 0)) s; "
                  + "\(status["running"] ?? 0) running, \(status["paused"] ?? 0) paused, \(status["queued"] ?? 0) queued; "
                  + "you may \((peer?["may_control"] as? Bool ?? false) ? "control" : "only watch")")
            for c in channels["channels"] as? [[String: Any]] ?? [] {
                let id = (c["id"] as? String ?? "").padding(toLength: 8, withPad: " ", startingAt: 0)
                let state = (c["state"] as? String ?? "").padding(toLength: 8, withPad: " ", startingAt: 0)
                let job = (c["job"] as? String).map { " job \($0.prefix(8)) \(c["job_name"] as? String ?? "")" } ?? ""
                print("  \(id) \(state) \(c["description"] as? String ?? "")\(job)")
            }
        }
    }
}

func printJSON(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
