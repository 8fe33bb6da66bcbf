import Foundation

/// A real `echem-sim` process, started the way a user starts one, with its `ready …` line parsed.
final class SimulatorProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in `start` before the object is shared.
    let arguments: [String]
    let logPath: String
    private(set) var process: Process?
    /// `tcp://127.0.0.1:PORT` or the pty path, from the ready line.
    private(set) var address = ""

    init(_ arguments: [String], log: String) {
        self.arguments = arguments
        self.logPath = log
    }

    /// Starts the simulator and waits (on its own thread, off the cooperative pool) for its ready line.
    func start() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: builtExecutable("echem-sim"))
        p.arguments = arguments
        p.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        FileManager.default.createFile(atPath: logPath, contents: nil)
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: logPath)!
        try p.run()
        process = p
        let line: String? = await withCheckedContinuation { k in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = out.fileHandleForReading.readData(ofLength: 1)
                    guard let b = chunk.first else { break }
                    if b == UInt8(ascii: "\n") { break }
                    bytes.append(b)
                }
                k.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
        }
        // "ready tcp 127.0.0.1:40123 unit 0" or "ready rtu /dev/pts/7 unit 1"
        let words = (line ?? "").split(separator: " ").map(String.init)
        guard words.count >= 3, words[0] == "ready" else {
            throw HarnessError(description: "echem-sim printed no ready line: \(line ?? "(nothing)"); log:\n\(log)")
        }
        address = words[1] == "tcp" ? "tcp://" + words[2] : words[2]
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
    }
}
