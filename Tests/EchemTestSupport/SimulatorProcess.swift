import Foundation

/// A real `echem-sim` process, started the way a user starts one: its `ready …` line, the
/// address in it, its stderr (to a log file, or kept for `finish()`), its exit status.
public final class SimulatorProcess: @unchecked Sendable {
    // @unchecked: `process` and `address` are set while the test task starts the simulator,
    // before the object is shared; blocking reads run on threads of their own, never on the
    // cooperative pool.
    public let arguments: [String]
    /// Where stderr goes; nil keeps it in a pipe for `finish()`.
    public let logPath: String?
    public private(set) var process: Process?
    /// `tcp://127.0.0.1:PORT` or the pty path, from the ready line.
    public private(set) var address = ""
    private let out = Pipe()
    private let err = Pipe()

    public init(_ arguments: [String], log: String? = nil) {
        self.arguments = arguments
        self.logPath = log
    }

    /// Starts the process without waiting for it (see `readyLine()`).
    @discardableResult
    public static func launched(_ arguments: [String]) throws -> SimulatorProcess {
        let sim = SimulatorProcess(arguments)
        try sim.launch()
        return sim
    }

    public func launch() throws {
        let binary = TestPaths.builtExecutable("echem-sim")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: binary + " (build echem-sim first)"])
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = TestPaths.repository
        p.standardOutput = out
        if let logPath {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: logPath)
        } else {
            p.standardError = err
        }
        try p.run()
        process = p
    }

    /// Launches and waits for the ready line ("ready tcp 127.0.0.1:40123 unit 0", "ready rtu
    /// /dev/pts/7 unit 1", "ready tcp H:P unit U pty /dev/pts/N"); `address` is its second field.
    public func start() async throws {
        try launch()
        let line = await readyLine()
        let words = (line ?? "").split(separator: " ").map(String.init)
        guard words.count >= 3, words[0] == "ready" else {
            throw SimulatorProcessError(description: "echem-sim printed no ready line: \(line ?? "(nothing)"); log:\n\(log)")
        }
        address = words[1] == "tcp" ? "tcp://" + words[2] : words[2]
    }

    /// The first stdout line, or nil if the process ended first.
    public func readyLine() async -> String? {
        let handle = out.fileHandleForReading
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let b = chunk.first else { return continuation.resume(returning: nil) }
                    if b == UInt8(ascii: "\n") { break }
                    bytes.append(b)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// Waits for the exit; returns the status and everything written to stderr.
    public func finish() async -> (status: Int32, stderr: String) {
        guard let process else { return (-1, "") }
        let handle = err.fileHandleForReading, logged = logPath
        let text: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let piped = logged == nil ? String(decoding: handle.readDataToEndOfFile(), as: UTF8.self) : ""
                process.waitUntilExit()
                continuation.resume(returning: piped)
            }
        }
        return (process.terminationStatus, logPath == nil ? text : log)
    }

    /// What the simulator wrote to its log file so far.
    public var log: String { logPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    /// SIGTERM, without waiting.
    public func terminate() { process?.terminate() }

    /// SIGTERM, and waits for the exit.
    public func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
    }
}

public struct SimulatorProcessError: Error, CustomStringConvertible {
    public var description: String
}
