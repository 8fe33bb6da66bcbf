import EchemCore

/// The MethodSCRIPT line protocol over one serial port: lines out, reply lines in, every read
/// bounded by a timeout. A lost port or a silent device becomes `ChannelError.disconnected`
/// (never a hang); a line that is not MethodSCRIPT becomes `MethodSCRIPTError.malformedReply`.
public final class MethodSCRIPTLink: Sendable {
    public let port: AsyncSerialPort
    /// Timeout for replies to host commands (`t`, `Z`, the `e` of an upload).
    public let commandTimeout: Duration

    public init(port: AsyncSerialPort, commandTimeout: Duration = .seconds(3)) {
        self.port = port
        self.commandTimeout = commandTimeout
    }

    /// Writes text (lines already terminated).
    public func send(_ text: String, during: String) async throws {
        do { try await port.write(Array(text.utf8), timeout: commandTimeout) } catch { throw Self.lost(error, during: during) }
    }

    /// One raw line without its `\n` (and without a trailing `\r`).
    public func readLine(timeout: Duration, during: String) async throws -> String {
        let bytes: [UInt8]
        do { bytes = try await port.readLine(timeout: timeout, maxLength: 8192) } catch { throw Self.lost(error, during: during) }
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    /// One reply line, parsed.
    public func readReply(timeout: Duration, during: String) async throws -> MethodSCRIPTReply {
        let line = try await readLine(timeout: timeout, during: during)
        do { return try MethodSCRIPTReply(parsing: line) } catch {
            throw MethodSCRIPTError.malformedReply(error, during: during)
        }
    }

    /// `t`: the firmware version, two lines (the first starts with `t`, the second ends with `*`),
    /// returned joined without the `t` and the `*`.
    public func firmwareVersion() async throws -> String {
        try await send("t\n", during: "asking the firmware version (t)")
        var first = try await readLine(timeout: commandTimeout, during: "reading the firmware version")
        while first.isEmpty { first = try await readLine(timeout: commandTimeout, during: "reading the firmware version") }
        guard first.hasPrefix("t") else {
            throw MethodSCRIPTError.unexpectedReply(first, during: "reading the firmware version",
                                                    expected: "a line starting with `t`")
        }
        let second = try await readLine(timeout: commandTimeout, during: "reading the firmware version")
        guard second.hasSuffix("*") else {
            throw MethodSCRIPTError.unexpectedReply(second, during: "reading the firmware version",
                                                    expected: "a second line ending with `*`")
        }
        return String(first.dropFirst()) + " " + String(second.dropLast())
    }

    /// `\n` then `Z`: aborts whatever runs and reads its output away up to the end of the script.
    /// Returns whether a script was running.
    @discardableResult
    public func abortAndSynchronise() async throws -> Bool {
        let during = "aborting the running script (Z)"
        try await send("\nZ\n", during: during)
        // Output of the script still in flight comes first; skip to the reply to Z.
        var skipped = 0
        while true {
            let line = try await readLine(timeout: commandTimeout, during: during)
            if line == "Z" { break }
            if line.hasPrefix("Z!") {
                if let e = MethodSCRIPTReply.errorPart(Substring(line)), e.code != .noScriptRunning {
                    throw MethodSCRIPTError.device(e, during: during)
                }
                return false
            }
            skipped += 1
            if skipped > 1_000_000 {
                throw MethodSCRIPTError.unexpectedReply(line, during: during, expected: "`Z` within a million lines")
            }
        }
        // Aborted: the rest of its output ends with the empty line (or an error line).
        while true {
            let line = try await readLine(timeout: commandTimeout, during: during)
            if line.isEmpty || MethodSCRIPTReply.errorPart(Substring(line)) != nil { return true }
        }
    }

    /// Uploads and runs a program; returns once the device has accepted it (`e`).
    public func run(_ program: MethodSCRIPTProgram) async throws {
        let during = "uploading the \(program.purpose.rawValue) script"
        try await send(program.upload, during: during)
        while true {
            let reply = try await readReply(timeout: commandTimeout, during: during)
            switch reply {
            case .scriptAccepted: return
            case .endOfScript: continue  // a stray empty line from an earlier exchange
            case .error(let e): throw MethodSCRIPTError.device(e, during: during)
            default: throw MethodSCRIPTError.unexpectedReply(reply.encoded, during: during, expected: "`e`")
            }
        }
    }

    static func lost(_ error: any Error, during: String) -> ChannelError {
        .disconnected("MethodSCRIPT link lost while \(during): \(error)")
    }
}
