/// The measurement technique a `M` line announces (`M0005` = CV), by its id in the manual.
public enum MethodSCRIPTTechnique: Int, Sendable, Hashable, CaseIterable {
    case lsv = 0x00, dpv = 0x01, swv = 0x02, npv = 0x03, acv = 0x04, cv = 0x05, cpStripping = 0x06
    case ca = 0x07, pad = 0x08, fca = 0x09, cp = 0x0A, ocp = 0x0B, eis = 0x0D, geis = 0x0E
    case lsp = 0x0F, fcv = 0x10
}

/// One line the device sends, without its `\n`.
///
/// In a script's output: `e` accepted; `M`+4 hex a measurement loop starts, `*` it ends; `L` a
/// `loop` starts, `+` it ends; `C`+4 hex a scan starts (CV with nscans > 1), `-` it ends; `P` a
/// data package; `T` text from `send_string`; `!` an error; the empty line ends the script.
/// Replies to host commands start with the command's letter (`t…`, `v…`, `Z`), and their
/// errors carry it (`Z!0006`).
public enum MethodSCRIPTReply: Sendable, Hashable {
    case scriptAccepted
    case measurementLoopStarted(techniqueID: Int)
    case measurementLoopEnded
    case loopStarted
    case loopEnded
    case scanStarted(code: Int)
    case scanEnded
    case package([MethodSCRIPTValue])
    case text(String)
    case error(MethodSCRIPTDeviceError)
    case endOfScript
    /// `Z`: a running script was aborted (its output continues to the empty line).
    case aborted
    /// A reply to a host command other than `e` and `Z`: its letter and the rest of the line.
    case commandReply(command: Character, text: String)

    /// The technique of a `measurementLoopStarted`, if the id is one echemd knows.
    public var technique: MethodSCRIPTTechnique? {
        if case .measurementLoopStarted(let id) = self { return MethodSCRIPTTechnique(rawValue: id) }
        return nil
    }

    /// Letters of host commands whose replies are free text (firmware version, serial number…).
    public static let commandLetters: Set<Character> = ["t", "v", "i", "G", "S", "l", "r"]

    /// Parses one line (a trailing `\r` is tolerated). Throws for anything that is not a
    /// MethodSCRIPT reply, naming what was wrong.
    public init(parsing raw: some StringProtocol) throws(MethodSCRIPTFormatError) {
        var line = Substring(raw)
        if line.last == "\r" { line = line.dropLast() }
        guard let first = line.first else {
            self = .endOfScript
            return
        }
        guard line.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .init(field: String(raw), reason: "replies are printable ASCII; this line has control or non-ASCII bytes")
        }
        if let error = Self.errorPart(line) {
            self = .error(error)
            return
        }
        let rest = line.dropFirst()
        switch first {
        case "e" where rest.isEmpty: self = .scriptAccepted
        case "Z" where rest.isEmpty: self = .aborted
        case "*" where rest.isEmpty: self = .measurementLoopEnded
        case "L" where rest.isEmpty: self = .loopStarted
        case "+" where rest.isEmpty: self = .loopEnded
        case "-" where rest.isEmpty: self = .scanEnded
        case "M": self = .measurementLoopStarted(techniqueID: try Self.fourHex(rest, line: line, what: "measurement loop"))
        case "C": self = .scanStarted(code: try Self.fourHex(rest, line: line, what: "scan"))
        case "P":
            guard !rest.isEmpty else {
                throw .init(field: String(line), reason: "a data package needs at least one value after `P`")
            }
            var values: [MethodSCRIPTValue] = []
            for field in rest.split(separator: ";", omittingEmptySubsequences: false) {
                values.append(try MethodSCRIPTValue(parsing: field))
            }
            self = .package(values)
        case "T": self = .text(String(rest))
        case _ where Self.commandLetters.contains(first): self = .commandReply(command: first, text: String(rest))
        default:
            throw .init(field: String(line), reason: "a reply starts with one of e M * L + C - P T ! (script output) "
                        + "or a host command's letter (t v i Z); `\(first)` is none of these")
        }
    }

    private static func fourHex(_ s: Substring, line: Substring, what: String) throws(MethodSCRIPTFormatError) -> Int {
        guard s.utf8.count == 4, s.utf8.allSatisfy(MethodSCRIPTValue.isHexDigit), let v = Int(s, radix: 16) else {
            throw .init(field: String(line), reason: "the start of a \(what) is its letter and 4 hex digits (e.g. M0005)")
        }
        return v
    }

    /// `!XXXX`, optionally after one command letter, optionally followed by `: Line N, Col M`.
    static func errorPart(_ line: Substring) -> MethodSCRIPTDeviceError? {
        let bytes = Array(line.utf8)
        let bang: Int
        if bytes.first == UInt8(ascii: "!") { bang = 0 } else if bytes.count > 1, bytes[1] == UInt8(ascii: "!") { bang = 1 } else { return nil }
        guard bytes.count >= bang + 5, bytes[(bang + 1)...(bang + 4)].allSatisfy(MethodSCRIPTValue.isHexDigit),
              let code = Int(String(decoding: bytes[(bang + 1)...(bang + 4)], as: UTF8.self), radix: 16) else { return nil }
        var error = MethodSCRIPTDeviceError(code: MethodSCRIPTErrorCode(code))
        if bang == 1 { error.command = Character(UnicodeScalar(bytes[0])) }
        let tail = String(decoding: bytes[(bang + 5)...], as: UTF8.self)
        // ": Line 5, Col 3" (either part may be missing on some firmware).
        if let r = tail.range(of: "Line ") {
            error.line = Int(tail[r.upperBound...].prefix { $0.isNumber })
        }
        if let r = tail.range(of: "Col ") {
            error.column = Int(tail[r.upperBound...].prefix { $0.isNumber })
        }
        return error
    }

    /// The line as the device sends it (without `\n`); the simulator writes these.
    public var encoded: String {
        switch self {
        case .scriptAccepted: "e"
        case .measurementLoopStarted(let id): "M" + MethodSCRIPTValue.hex(id, digits: 4)
        case .measurementLoopEnded: "*"
        case .loopStarted: "L"
        case .loopEnded: "+"
        case .scanStarted(let code): "C" + MethodSCRIPTValue.hex(code, digits: 4)
        case .scanEnded: "-"
        case .package(let values): "P" + values.map(\.encoded).joined(separator: ";")
        case .text(let s): "T" + s
        case .error(let e): e.encoded
        case .endOfScript: ""
        case .aborted: "Z"
        case .commandReply(let c, let text): String(c) + text
        }
    }
}
