import EchemPlatform
import EchemTestSupport
import EchemStore
import Foundation

/// The repository root (tests read `protocols/`).
let repositoryRoot = TestPaths.repository

/// A built executable beside the test bundle (`swift build --build-tests` builds them all).
func builtExecutable(_ name: String) -> String { TestPaths.builtExecutable(name) }

func temporaryDirectory(_ tag: String) -> String {
    let path = "/tmp/echemd-test-\(tag)-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// A real `echemd` process on the simulated bench, with its own state folder and socket.
final class DaemonProcess {
    let state: String
    let socket: String
    let extraArguments: [String]
    private(set) var process: Process?
    let logPath: String

    var environment: [String: String] = [:]

    init(state: String, extraArguments: [String] = []) {
        self.state = state
        self.socket = state + "/echemd.sock"
        self.extraArguments = extraArguments
        self.logPath = state + "/echemd.log"
    }

    var incoming: String { state + "/queue/incoming" }
    var storePath: String { state + "/echemd.sqlite" }

    /// Starts the daemon and waits until its socket answers `status`.
    func start(speed: String = "2000") async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: builtExecutable("echemd"))
        p.arguments = ["--state-dir", state, "--socket", socket, "--sim-speed", speed] + extraArguments
        p.currentDirectoryURL = repositoryRoot
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = FileHandle(forWritingAtPath: logPath)!
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = nil
        env.merge(environment) { $1 }
        p.environment = env
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let c = try? UnixLineClient(connectingTo: socket), (try? request(c, ["op": "status"])) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(description: "echemd did not answer on \(socket) within 30 s; log:\n\(self.log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func kill(_ signal: Int32) {
        guard let p = process else { return }
        Foundation.kill(p.processIdentifier, signal)
        p.waitUntilExit()
    }

    var exitStatus: Int32? { process.map { $0.isRunning ? nil : $0.terminationStatus } ?? nil }

    /// Drops a file into the queue the way a careful user does: write elsewhere, rename in.
    func drop(_ text: String, as name: String) throws {
        let tmp = state + "/.staging-" + name
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, incoming + "/" + name) == 0 else { throw HarnessError(description: "rename into incoming failed") }
    }

    func connect() throws -> UnixLineClient { try UnixLineClient(connectingTo: socket) }
}

/// Sends one request and returns its reply, skipping pushed documents.
@discardableResult
func request(_ c: UnixLineClient, _ object: [String: Any], timeout: Double = 20) throws -> [String: Any] {
    var o = object
    o["v"] = 1
    let id = Int.random(in: 1...1_000_000)
    o["id"] = id
    try c.send(String(decoding: try JSONSerialization.data(withJSONObject: o), as: UTF8.self))
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let line: String?
        do { line = try c.readLine(timeout: .milliseconds(200)) } catch {
            if error == .timedOut { continue }
            throw error
        }
        guard let line else { throw HarnessError(description: "the daemon closed the connection") }
        guard let doc = parse(line) else { continue }
        if doc["type"] as? String == "reply", (doc["id"] as? NSNumber)?.intValue == id { return doc }
    }
    throw HarnessError(description: "no reply to \(object["op"] ?? "?") within \(timeout) s")
}

func parse(_ line: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

/// Polls until `condition` holds or `seconds` pass. Sleeps without holding a thread: these tests
/// run beside every other suite on Swift's small cooperative pool.
func waitUntil(_ seconds: Double, _ what: String, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? condition()) == true { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw HarnessError(description: "timed out after \(seconds) s waiting for \(what)")
}

/// Sequence numbers of samples in `doc` (a samples page), in order.
func seqs(of doc: [String: Any]) -> [Int64] {
    guard doc["type"] as? String == "samples", let rows = doc["rows"] as? [[Any]] else { return [] }
    return rows.compactMap { ($0.first as? NSNumber)?.int64Value }
}
