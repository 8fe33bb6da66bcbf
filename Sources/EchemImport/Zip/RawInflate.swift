import CZlib
import Foundation

/// zlib's inflate on a raw deflate stream (windowBits −15: no zlib header, as ZIP stores it),
/// plus the CRC-32 ZIP records for each entry.
enum RawInflate {
    /// Inflates `compressed` into exactly `expectedSize` bytes; anything else (a truncated or
    /// corrupt stream, more or fewer bytes) is an error naming the entry.
    static func inflate(_ compressed: Data, expectedSize: Int, entry: String) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ZipError("cannot start inflate for '\(entry)'")
        }
        defer { inflateEnd(&stream) }
        // One spare byte: a stream that would produce more than promised is caught, not truncated.
        var output = Data(count: expectedSize + 1)
        let code: Int32 = compressed.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Int32 in
            output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        let produced = Int(stream.total_out)
        guard code == Z_STREAM_END else {
            let why = code == Z_DATA_ERROR ? "corrupt deflate data" : (code == Z_BUF_ERROR ? "deflate data is damaged or ends early" : "inflate error \(code)")
            throw ZipError("'\(entry)': \(why)")
        }
        guard produced == expectedSize else {
            throw ZipError("'\(entry)' inflates to \(produced) bytes, its header says \(expectedSize)")
        }
        output.removeLast()
        return output
    }

    static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { bytes in
            UInt32(CZlib.crc32(0, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count)))
        }
    }
}
