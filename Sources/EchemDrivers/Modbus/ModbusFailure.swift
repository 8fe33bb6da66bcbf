import CModbus
#if canImport(Glibc)
import Glibc
#endif

/// How our recovery policy treats one failed libmodbus call, decided from its errno.
enum ModbusFailure: Sendable, Equatable {
    /// The device answered with an exception: report, never retry.
    case exception(ModbusException)
    /// No reply in time: flush and retry.
    case timeout
    /// A reply arrived but failed a check (CRC, transaction id, unit, length): flush and retry.
    case corrupt(String)
    /// The link is gone (peer closed, cable or USB device removed): reconnect and retry.
    case link(String)
    /// Anything else: report, do not retry.
    case other(Int32, String)

    /// libmodbus numbers its own codes from `MODBUS_ENOBASE`: exceptions are ENOBASE + code,
    /// then EMBBADCRC = EMBXGTAR + 1, EMBBADDATA + 2, EMBBADEXC + 3, EMBUNKEXC + 4, EMBMDATA + 5,
    /// EMBBADSLAVE + 6 (`modbus.h`). Swift does not import those compound macros, so they are
    /// derived here from the two that it does import.
    static let base = Int32(MODBUS_ENOBASE)
    static let lastException = base + Int32(MODBUS_EXCEPTION_GATEWAY_TARGET)
    static let badCRC = lastException + 1
    static let badData = lastException + 2
    static let badException = lastException + 3
    static let unknownException = lastException + 4
    static let tooMuchData = lastException + 5
    static let badSlave = lastException + 6

    init(errno code: Int32) {
        let text = ModbusFailure.message(code)
        switch code {
        case ModbusFailure.base + 1...ModbusFailure.lastException:
            if let e = ModbusException(rawValue: UInt8(code - ModbusFailure.base)) {
                self = .exception(e)
            } else {
                // Codes 9 and 0x0C+ have no meaning in the spec; treat as a bad reply.
                self = .corrupt(text)
            }
        case ETIMEDOUT:
            self = .timeout
        case ModbusFailure.badCRC, ModbusFailure.badData, ModbusFailure.badException,
             ModbusFailure.unknownException, ModbusFailure.badSlave:
            self = .corrupt(text)
        case ECONNRESET, EPIPE, EBADF, ENOTCONN, ECONNREFUSED, ECONNABORTED, EIO, ENXIO, ENODEV, EHOSTUNREACH, ENETUNREACH:
            self = .link(text)
        default:
            self = .other(code, text)
        }
    }

    /// `modbus_strerror`, which covers both libmodbus's codes and the system's.
    static func message(_ code: Int32) -> String {
        guard let c = modbus_strerror(code) else { return "error \(code)" }
        return String(cString: c)
    }
}
