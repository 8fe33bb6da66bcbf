#if canImport(Glibc)
import Glibc
#endif

/// Splits a byte stream into `\n`-terminated lines, refusing lines longer than a limit.
///
/// The limit exists because the buffer for an unfinished line grows with whatever the peer sends:
/// without it one client writing bytes and never a newline would eat the daemon's memory.
/// A trailing `\r` is removed so `socat`/`nc` users on CRLF terminals are understood.
struct LineFramer {
    let maxLineBytes: Int
    /// Bytes received but not yet part of a complete line.
    private(set) var pending: [UInt8] = []

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Appends received bytes and returns the completed lines (without terminators), or nil if a
    /// line exceeds `maxLineBytes`, complete or not. Lines after the offending one are discarded:
    /// the connection is about to be closed.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]]? {
        let searchFrom = pending.count
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var start = 0
        var overlong = false
        pending.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var i = searchFrom
            while i < buf.count, let hit = memchr(base + i, 0x0A, buf.count - i) {
                let newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if newline - start > maxLineBytes { overlong = true; return }
                var end = newline
                if end > start && buf[end - 1] == 0x0D { end -= 1 }
                lines.append(Array(buf[start..<end]))
                start = newline + 1
                i = start
            }
        }
        if overlong { return nil }
        if start > 0 { pending.removeFirst(start) }
        if pending.count > maxLineBytes { return nil }
        return lines
    }

    /// At end of stream: the unterminated last line, if any. `printf 'status' | socat …` sends no
    /// final newline, and silently dropping that command would be surprising.
    mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        guard !pending.isEmpty else { return nil }
        if pending.last == 0x0D { pending.removeLast() }
        return pending
    }
}
