import Foundation

/// Why a ZIP container (an XLSX workbook) could not be read.
struct ZipError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A read-only ZIP archive held in memory: the central directory is the index, each entry is
/// located through its local header, inflated (or copied when stored) and checked against its
/// CRC-32. Enough for XLSX (stored and deflate entries); ZIP64, encryption and multi-disk
/// archives are refused by name.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    static let maximumEntrySize = 1 << 30

    let bytes: Data
    let entries: [String: Entry]

    init(data: Data) throws {
        // Work on a zero-based copy: `Data` slices keep their parent's indices.
        bytes = Data(data)
        entries = try Self.readCentralDirectory(bytes)
    }

    var names: [String] { entries.keys.sorted() }

    func contains(_ name: String) -> Bool { entries[name] != nil }

    func read(_ name: String) throws -> Data {
        guard let entry = entries[name] else { throw ZipError("the archive has no entry '\(name)'") }
        if entry.flags & 0x1 != 0 { throw ZipError("'\(name)' is encrypted") }
        // Bounds the allocation a damaged or hostile header could ask for.
        guard entry.size <= Self.maximumEntrySize else {
            throw ZipError("'\(name)' would inflate to \(entry.size) bytes; at most \(Self.maximumEntrySize) are read")
        }
        let local = entry.localHeaderOffset
        guard local + 30 <= bytes.count, u32(local) == 0x0403_4b50 else {
            throw ZipError("'\(name)': no local header at offset \(local)")
        }
        let start = local + 30 + Int(u16(local + 26)) + Int(u16(local + 28))
        guard start + entry.compressedSize <= bytes.count else {
            throw ZipError("'\(name)' runs past the end of the file (truncated archive?)")
        }
        let stored = bytes.subdata(in: start..<(start + entry.compressedSize))
        let data: Data
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw ZipError("'\(name)' is stored but its sizes differ (\(entry.compressedSize) vs \(entry.size))")
            }
            data = stored
        case 8:
            data = try RawInflate.inflate(stored, expectedSize: entry.size, entry: name)
        default:
            throw ZipError("'\(name)' uses compression method \(entry.method); only stored (0) and deflate (8) are read")
        }
        let crc = RawInflate.crc32(data)
        guard crc == entry.crc32 else {
            throw ZipError("'\(name)' fails its CRC-32 check (\(String(crc, radix: 16)) != \(String(entry.crc32, radix: 16)))")
        }
        return data
    }

    // MARK: Central directory

    private static func readCentralDirectory(_ b: Data) throws -> [String: Entry] {
        // The end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes.
        guard b.count >= 22 else { throw ZipError("too short to be a ZIP archive (\(b.count) bytes)") }
        var eocd: Int?
        var at = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while at >= lowest {
            if b[at] == 0x50, b[at + 1] == 0x4b, b[at + 2] == 0x05, b[at + 3] == 0x06 { eocd = at; break }
            at -= 1
        }
        guard let end = eocd else { throw ZipError("no ZIP end-of-central-directory record (not an XLSX/ZIP file?)") }
        let count = Int(u16(b, end + 10))
        let size = Int(u32(b, end + 12))
        let offset = Int(u32(b, end + 16))
        if u16(b, end + 4) != 0 || u16(b, end + 6) != 0 { throw ZipError("multi-disk ZIP archives are not supported") }
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw ZipError("ZIP64 archives are not supported (re-save the workbook smaller or export CSV)")
        }
        guard offset + size <= end else { throw ZipError("the central directory lies outside the file") }
        var entries: [String: Entry] = [:]
        var p = offset
        for _ in 0..<count {
            guard p + 46 <= end, u32(b, p) == 0x0201_4b50 else {
                throw ZipError("damaged central directory at offset \(p)")
            }
            let nameLength = Int(u16(b, p + 28))
            let extraLength = Int(u16(b, p + 30))
            let commentLength = Int(u16(b, p + 32))
            guard p + 46 + nameLength <= end else { throw ZipError("damaged central directory at offset \(p)") }
            let name = String(decoding: b.subdata(in: (p + 46)..<(p + 46 + nameLength)), as: UTF8.self)
            entries[name] = Entry(name: name, method: u16(b, p + 10), flags: u16(b, p + 8), crc32: u32(b, p + 16),
                                  compressedSize: Int(u32(b, p + 20)), size: Int(u32(b, p + 24)),
                                  localHeaderOffset: Int(u32(b, p + 42)))
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    private func u16(_ at: Int) -> UInt16 { Self.u16(bytes, at) }
    private func u32(_ at: Int) -> UInt32 { Self.u32(bytes, at) }

    private static func u16(_ b: Data, _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: Data, _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
}
