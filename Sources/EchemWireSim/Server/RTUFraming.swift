/// Modbus RTU framing of requests, as a slave sees them on the line: how long a request is from
/// its first bytes, and the CRC that closes it.
enum RTUFraming {
    enum Length: Equatable {
        /// More bytes are needed to know the length.
        case needMore
        /// The whole frame, CRC included, is this many bytes.
        case bytes(Int)
        /// A function this framer does not know: the frame ends at the next silent interval.
        case unknown
    }

    /// Request length from the bytes received so far (`frame` holds at least the unit byte).
    static func requestLength(_ frame: [UInt8]) -> Length {
        guard frame.count >= 2 else { return .needMore }
        switch frame[1] {
        case 0x01...0x06: return .bytes(8)                       // unit fc addr(2) count|value(2) crc(2)
        case 0x07, 0x0B, 0x0C, 0x11: return .bytes(4)            // unit fc crc(2)
        case 0x0F, 0x10: return frame.count >= 7 ? .bytes(9 + Int(frame[6])) : .needMore
        case 0x16: return .bytes(10)
        case 0x17: return frame.count >= 11 ? .bytes(13 + Int(frame[10])) : .needMore
        default: return .unknown
        }
    }

    /// CRC-16/MODBUS (init 0xFFFF, polynomial 0xA001 reflected), sent low byte first.
    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    /// Whether the last two bytes are the CRC of the rest.
    static func crcIsValid(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 4 else { return false }
        let c = crc(frame.dropLast(2))
        return frame[frame.count - 2] == UInt8(c & 0xFF) && frame[frame.count - 1] == UInt8(c >> 8)
    }
}
