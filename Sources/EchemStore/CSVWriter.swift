import Foundation

/// A buffered, locale-free CSV writer. Numbers are written in the shortest text that parses back
/// to the identical Double (Swift's `description`, e.g. `0.1`, `1e-06`, `3600.000000000001`),
/// so an export loses no precision and never picks up a decimal comma.
struct CSVWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var fieldsInLine = 0
    private static let flushBytes = 1 << 20

    /// Creates (or empties) the file at `path`.
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(Self.flushBytes + 4096)
    }

    mutating func header(_ labels: [String]) throws {
        for label in labels { text(label) }
        try endLine()
    }

    mutating func number(_ value: Double) { field(value.description.utf8) }
    mutating func number(_ value: Double?) { field((value?.description ?? "").utf8) }
    mutating func integer(_ value: Int) { field(value.description.utf8) }
    mutating func integer(_ value: Int64) { field(value.description.utf8) }

    /// Text is quoted only when it must be (BDF labels never need it).
    mutating func text(_ value: String) {
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            field(("\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8)
        } else {
            field(value.utf8)
        }
    }

    mutating func endLine() throws {
        buffer.append(UInt8(ascii: "\n"))
        fieldsInLine = 0
        if buffer.count >= Self.flushBytes { try flush() }
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }

    private mutating func field(_ utf8: String.UTF8View) {
        if fieldsInLine > 0 { buffer.append(UInt8(ascii: ",")) }
        buffer.append(contentsOf: utf8)
        fieldsInLine += 1
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
