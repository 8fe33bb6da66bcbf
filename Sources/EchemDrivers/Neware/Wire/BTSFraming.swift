/// The bytes around every BTS API message (research: wire-and-physics §1.2).
///
/// A request is `<?xml version="1.0" encoding="UTF-8" ?><bts version="1.0">BODY</bts>\n\n#\r\n`,
/// byte for byte what aurora-neware sends (a client that has run against BTS 8.0). A reply is the
/// BTS Client's CRLF-indented document followed by the same `\n\n#\r\n` trailer; readers take
/// the document up to `</bts>` and drop whatever trailer follows.
public enum BTSFraming {
    public static let requestPrefix = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><bts version=\"1.0\">"
    public static let replyPrefix = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<bts version=\"1.0\">\r\n"
    public static let documentEnd = "</bts>"
    public static let terminator = "\n\n#\r\n"

    /// The exact bytes of a request whose body is `body` (the elements inside `<bts>`).
    public static func request(body: String) -> [UInt8] {
        Array((requestPrefix + body + documentEnd + terminator).utf8)
    }

    /// The exact bytes of a reply: each top-level element of the body on its own CRLF line,
    /// indented by two spaces, as the captured BTS 8 replies are.
    public static func reply(lines: [String]) -> [UInt8] {
        var s = replyPrefix
        for line in lines { s += "  " + line + "\r\n" }
        s += documentEnd + terminator
        return Array(s.utf8)
    }
}

/// Cuts a TCP byte stream into BTS documents.
///
/// A document ends at `</bts>`. Bytes between one document's end and the next `<` (the
/// `\n\n#\r\n` trailer, or a bare `#\r\n` as Vanguard-1 sends it, or nothing) are dropped, so a
/// trailer split across reads is harmless. `limit` bounds what is buffered while no `</bts>` has
/// arrived, so a peer that streams junk cannot grow memory without end.
public struct BTSFrameBuffer: Sendable {
    public private(set) var bytes: [UInt8] = []
    public let limit: Int
    private static let end = Array(BTSFraming.documentEnd.utf8)
    /// Where the search for `</bts>` resumes (bytes before it were already searched).
    private var searched = 0

    public init(limit: Int = 16 << 20) { self.limit = limit }

    public mutating func append<S: Sequence>(_ chunk: S) where S.Element == UInt8 {
        bytes.append(contentsOf: chunk)
    }

    /// True when more than `limit` bytes are waiting without a complete document.
    public var isOverLimit: Bool { bytes.count > limit }

    /// True when nothing but trailer bytes (whitespace, `#`) is buffered.
    public var holdsOnlyTrailer: Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: "#") }
    }

    /// The next complete document, from its first `<` through `</bts>`, or nil if none is complete.
    public mutating func nextDocument() -> [UInt8]? {
        dropLeadingTrailer()
        let e = Self.end
        guard bytes.count >= e.count else { return nil }
        var j = max(0, searched - e.count + 1)
        let last = bytes.count - e.count
        while j <= last {
            if bytes[j] == e[0] && bytes[j + 1] == e[1] && Array(bytes[j..<(j + e.count)]) == e {
                let doc = Array(bytes[0..<(j + e.count)])
                bytes.removeFirst(j + e.count)
                searched = 0
                dropLeadingTrailer()
                return doc
            }
            j += 1
        }
        searched = bytes.count
        return nil
    }

    /// Bytes buffered that end in the terminator but hold no `</bts>`: a complete message by the
    /// trailer rule that is not a BTS document (junk); removed and returned so a server can answer it.
    public mutating func takeUnframedMessage() -> [UInt8]? {
        let t = Array("#\r\n".utf8)
        guard bytes.count >= t.count, Array(bytes.suffix(t.count)) == t, !holdsOnlyTrailer else { return nil }
        let junk = bytes
        bytes.removeAll()
        searched = 0
        return junk
    }

    private mutating func dropLeadingTrailer() {
        var k = 0
        while k < bytes.count, bytes[k] != UInt8(ascii: "<") {
            let b = bytes[k]
            guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "#") else { break }
            k += 1
        }
        if k > 0 {
            bytes.removeFirst(k)
            searched = max(0, searched - k)
        }
    }
}
