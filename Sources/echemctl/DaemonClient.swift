import ArgumentParser
import EchemDaemon
import EchemPlatform
import Foundation

/// The socket options every daemon command shares.
struct SocketOptions: ParsableArguments {
    @Option(name: .long, help: "The daemon's socket (default $ECHEMD_SOCKET, else where echemd puts it for this user).")
    var socket: String?

    var path: String { socket ?? DaemonPaths.defaultSocket() }
}

/// A connection to echemd: one request, one reply matched by id; documents arrive in between
/// for subscriptions and are handed to the caller.
final class DaemonClient {
    let client: UnixLineClient
    let path: String
    private var nextID = 1

    init(_ options: SocketOptions) throws {
        path = options.path
        do { client = try UnixLineClient(connectingTo: path) } catch {
            throw ValidationError("cannot connect to echemd at \(path): \(error)\n"
                + "Is the daemon running? Start it with `echemd` (or `systemctl start echemd`), or give --socket.")
        }
    }

    /// Sends `op` with `fields` and waits for its reply; documents seen meanwhile go to `onDocument`.
    func request(_ op: String, _ fields: [String: Any] = [:], timeout: Double = 30,
                 onDocument: (([String: Any]) -> Void)? = nil) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var object = fields
        object["v"] = SocketProtocol.version
        object["op"] = op
        object["id"] = id
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try client.send(String(decoding: data, as: UTF8.self))
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, let line = try read(timeout: remaining) else {
                throw ValidationError("echemd did not answer '\(op)' within \(Int(timeout)) s")
            }
            guard let doc = DaemonClient.parse(line) else { continue }
            if doc["type"] as? String == "reply", (doc["id"] as? NSNumber)?.intValue == id {
                if doc["ok"] as? Bool == true { return doc }
                let err = doc["error"] as? [String: Any]
                var message = "echemd refused '\(op)': \(err?["message"] as? String ?? "unknown error")"
                if let diags = err?["diagnostics"] as? [String], !diags.isEmpty { message += "\n" + diags.joined(separator: "\n") }
                throw DaemonRefusal(message: message, code: err?["code"] as? String ?? "")
            }
            onDocument?(doc)
        }
    }

    /// The next pushed document, or nil after `timeout` seconds.
    func nextDocument(timeout: Double) throws -> [String: Any]? {
        guard let line = try read(timeout: timeout) else { return nil }
        return DaemonClient.parse(line)
    }

    /// One line, or nil when none arrived in time; the daemon closing the connection is an error.
    private func read(timeout: Double) throws -> String? {
        let line: String?
        do {
            line = try client.readLine(timeout: .milliseconds(max(1, Int(timeout * 1000))))
        } catch {
            if error == .timedOut { return nil }
            throw error
        }
        guard let line else {
            throw DaemonRefusal(message: "echemd closed the connection (stopped or restarted?)", code: "closed")
        }
        return line
    }

    static func parse(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}

/// A refusal from the daemon, printed as is (it already names the file, line and field).
struct DaemonRefusal: Error, CustomStringConvertible {
    var message: String
    var code: String
    var description: String { message }
}

/// Prints a refusal and exits non-zero, without ArgumentParser's usage text.
func runClient(_ body: () throws -> Void) throws {
    do { try body() } catch let e as DaemonRefusal {
        printError(e.message)
        throw ExitCode(e.code == "forbidden" ? 77 : 1)
    }
}
