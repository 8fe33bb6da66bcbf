import EchemDrivers
import Foundation
import Testing

/// `echem-sim neware` as a process: the ready line, a test run over its port, a clean stop.
@Suite("echem-sim neware")
struct CommandLineTests {
    /// The built `echem-sim`, next to the test bundle.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("echem-sim").path
    }

    /// Starts the binary; returns the process, its stdout and stderr pipes.
    static func launch(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw NewareTestFailure("\(binary) is not built (swift build --product echem-sim)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    static func firstLine(_ pipe: Pipe) async -> String? {
        let handle = pipe.fileHandleForReading
        return await onThread {
            var bytes: [UInt8] = []
            while true {
                guard let b = handle.readData(ofLength: 1).first else { return nil }
                if b == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(b)
            }
        }
    }

    static func finish(_ p: Process, _ err: Pipe) async -> (Int32, String) {
        let handle = err.fileHandleForReading
        return await onThread {
            let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
    }

    @Test("--port 0 --speed max: 'ready tcp HOST:PORT', a step file runs to the end over that port, SIGTERM stops it")
    func readyRunStop() async throws {
        let (p, out, err) = try Self.launch(["neware", "--port", "0", "--devices", "1", "--speed", "max", "--units", "mA",
                                             "--chemistry", "ideal_linear", "--capacity", "1mAh"])
        let line = try #require(await Self.firstLine(out))
        let fields = line.split(separator: " ").map(String.init)
        #expect(fields.count == 3 && fields[0] == "ready" && fields[1] == "tcp" && fields[2].hasPrefix("127.0.0.1:"), "\(line)")
        let port = try #require(Int(fields[2].split(separator: ":").last ?? ""))

        let dir = try NewareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try NewareFixtures.write(NewareStepFileWriter.xml(NewareFixtures.cyclingTable()), to: dir)
        let client = BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: port, commandTimeout: 10, unitScale: .milliamperes))
        let info = try await client.deviceInfo()
        #expect(info.channels.count == 8)
        let ch = try #require(info.channels.first?.address)
        try await client.startOne(BTSStart(channel: ch, barcode: "cli", stepFilePath: path))
        var status = BTSWorkStatus.working
        for _ in 0..<200 where status != .finish {
            try await Task.sleep(for: .milliseconds(25))
            status = try #require(try await client.channelStatus([ch]).first).status
        }
        #expect(status == .finish, "the unbounded clock runs the file to its end")
        let rows = try await client.downloadRows(ch).rows
        let discharge = try #require(rows.first { $0.stepType == "dc" })
        #expect(abs(discharge.amperes - -0.001) < 1e-15, "reported in mA, read back in A")
        await client.close()

        p.terminate()
        let (code, stderr) = await Self.finish(p, err)
        #expect(code == 0, "\(stderr)")
        #expect(stderr.contains("signal SIGTERM: stopped"))
    }

    @Test("a flag that cannot be used is a usage error (64) that says what would be valid")
    func usageError() async throws {
        let (p, out, err) = try Self.launch(["neware", "--port", "0", "--units", "kA"])
        #expect(await Self.firstLine(out) == nil)
        let (code, stderr) = await Self.finish(p, err)
        #expect(code == 64)
        #expect(stderr.contains("--units kA: expected A or mA"), "\(stderr)")
    }
}
