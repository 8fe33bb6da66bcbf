import ArgumentParser
import Foundation

/// The operator controls, each a thin request: cancel, pause, resume, stop, goto.
/// TARGET is a channel id (cyc-1), or a job or run id prefix.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel a job: a queued one never starts; a running one stops within one sample.")
    @Argument(help: "A channel id, or a job or run id prefix.") var target: String
    @Option(help: "Why (stored with the job).") var reason: String?
    @OptionGroup var socket: SocketOptions
    func run() async throws { try control("cancel", target, reason.map { ["reason": $0] } ?? [:], socket) }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pause a run at the end of its step (default) or now (output off at once).")
    @Argument(help: "A channel id, or a job or run id prefix.") var target: String
    @Flag(help: "Pause now instead of at the end of the step in progress.") var now = false
    @OptionGroup var socket: SocketOptions
    func run() async throws { try control("pause", target, ["mode": now ? "now" : "at_step_end"], socket) }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused run.")
    @Argument(help: "A channel id, or a job or run id prefix.") var target: String
    @OptionGroup var socket: SocketOptions
    func run() async throws { try control("resume", target, [:], socket) }
}

struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a run: output off within one sample; the run ends as stopped.")
    @Argument(help: "A channel id, or a job or run id prefix.") var target: String
    @Option(help: "Why (stored with the run).") var reason: String?
    @OptionGroup var socket: SocketOptions
    func run() async throws { try control("stop", target, reason.map { ["reason": $0] } ?? [:], socket) }
}

struct Goto: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End the step in progress and continue at a labelled step.")
    @Argument(help: "A channel id, or a job or run id prefix.") var target: String
    @Argument(help: "A step label of the running protocol.") var label: String
    @OptionGroup var socket: SocketOptions
    func run() async throws { try control("goto", target, ["label": label], socket) }
}

private func control(_ op: String, _ target: String, _ fields: [String: Any], _ socket: SocketOptions) throws {
    try runClient {
        var f = fields
        f["target"] = target
        let reply = try DaemonClient(socket).request(op, f)
        print("job \((reply["job"] as? String ?? "").prefix(8)): \(reply["message"] as? String ?? "done")")
    }
}
