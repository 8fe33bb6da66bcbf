import Foundation

/// The `echem-sim` binary as a child process: its ready line, its stderr, its exit status.
final class SimulatorProcess: @unchecked Sendable {
    // @unchecked: `process` and the pipes are used from the test task only; reads block on a
    // dispatch thread, never on the cooperative pool.
    let process = Process()
    private let out = Pipe()
    private let err = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Fixtures.echemSimBinary)
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.repository
        process.standardOutput = out
        process.standardError = err
        guard FileManager.default.isExecutableFile(atPath: Fixtures.echemSimBinary) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: Fixtures.echemSimBinary + " (build echem-sim first)"])
        }
        try process.run()
    }

    /// The first stdout line (the ready line), or nil if the process ended first.
    func readyLine() async -> String? {
        let handle = out.fileHandleForReading
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
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
    func finish() async -> (status: Int32, stderr: String) {
        let process = process, handle = err.fileHandleForReading
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, text))
            }
        }
    }

    func terminate() { process.terminate() }   // SIGTERM
}
