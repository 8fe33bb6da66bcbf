import ArgumentParser
import Foundation

/// `echemctl submit FILE`: send a protocol to the daemon's queue (the socket twin of dropping it
/// into queue/incoming/).
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a protocol file to echemd's queue.",
        discussion: """
        The daemon validates it against its channels and queues it, or prints the located errors. \
        A NAME.cell.yaml beside the file is sent with it. Example: \
        echemctl submit protocols/seed-000/0-3-zns-long-cycling.yaml --channel cyc-2
        """)

    @Argument(help: "The protocol file (.yaml, or aurora-unicycler .json).")
    var file: String

    @Option(help: "A cell file (default: NAME.cell.yaml beside the protocol, if present).")
    var cell: String?

    @Option(help: "Run on this channel (default: the file's job.channel, else any free capable channel).")
    var channel: String?

    @Option(help: "Bind this potentiostat channel to the same cell (CV and EIS steps run there).")
    var potentiostat: String?

    @Option(help: "After a daemon crash: resume or stop (default: the file's job.recovery, else the daemon's).")
    var recovery: String?

    @Option(help: "Queue priority, higher first (default 0).")
    var priority: Int?

    @OptionGroup var socket: SocketOptions

    func run() async throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("\(file): cannot read (expected a UTF-8 protocol file)")
        }
        var fields: [String: Any] = ["protocol": text, "filename": file]
        let stem = (file as NSString).deletingPathExtension
        let cellPath = cell ?? ["\(stem).cell.yaml", "\(stem).cell.yml"].first { FileManager.default.fileExists(atPath: $0) }
        if let cellPath {
            guard let cellText = try? String(contentsOfFile: cellPath, encoding: .utf8) else {
                throw ValidationError("\(cellPath): cannot read the cell file")
            }
            fields["cell"] = cellText
        }
        var target: [String: Any] = [:]
        if let channel { target["channel"] = channel }
        if let potentiostat { target["potentiostat"] = potentiostat }
        if let recovery { target["recovery"] = recovery }
        if let priority { target["priority"] = priority }
        if !target.isEmpty { fields["target"] = target }
        try runClient {
            let client = try DaemonClient(socket)
            let reply = try client.request("submit", fields)
            let job = reply["job"] as? [String: Any] ?? [:]
            for w in reply["warnings"] as? [String] ?? [] { printError(w) }
            let id = (job["id"] as? String ?? "").prefix(8)
            print("queued job \(id) \(job["name"] as? String ?? file): \(job["state"] as? String ?? "?") (\(job["reason"] as? String ?? ""))")
            if let eligible = reply["eligible_channels"] as? [String] {
                print("  can run on: \(eligible.joined(separator: ", "))")
            }
        }
    }
}
