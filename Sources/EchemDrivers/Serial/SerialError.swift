#if canImport(Glibc)
import Glibc
#endif

/// Why a serial port could not be opened or used. Every message names the device and, where
/// there is one, says what to do about it.
public enum SerialError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Baud, data bits or stop bits outside what the port supports. Nothing was opened.
    case unsupportedSettings(device: String, reason: String)
    /// EACCES/EPERM at open.
    case permissionDenied(device: String)
    /// Another process (or another port object) has the device open exclusively.
    case busy(device: String)
    /// No such device node (unplugged, wrong path).
    case notFound(device: String)
    /// The path is not a terminal (a regular file, a socket…).
    case notATerminal(device: String)
    /// The kernel accepted the settings call but did not apply part of it.
    case settingsRejected(device: String, reason: String)
    /// `SerialPortAddress.usb` matched no present device.
    case noMatchingDevice(query: String, present: [String])
    /// `SerialPortAddress.usb` matched several devices; add the serial number or interface.
    case ambiguousDevice(query: String, candidates: [String])
    /// The device went away during I/O (USB unplugged, pty master closed).
    case disconnected(device: String, reason: String)
    /// `operation` did not complete within `after`.
    case timedOut(device: String, operation: String, after: Duration)
    /// `readLine` found no terminator within `limit` bytes; the buffered bytes were dropped.
    case lineTooLong(device: String, limit: Int)
    /// The port was closed before or during the call.
    case closed(device: String)
    /// Any other failed system call, with its errno.
    case system(device: String, call: String, code: Int32)

    public var description: String {
        switch self {
        case .unsupportedSettings(let d, let reason):
            "\(d): cannot use these line settings: \(reason)"
        case .permissionDenied(let d):
            "\(d): permission denied. Add the user running echemd to the group that owns the device "
                + "(usually dialout: `sudo usermod -aG dialout USER`, then log in again), "
                + "or install systemd/99-echemd.rules, which gives known instruments to dialout"
        case .busy(let d):
            "\(d): busy: another process holds it (two programs must never share a serial port). "
                + "Stop the other program; `fuser -v \(d)` shows which one it is"
        case .notFound(let d):
            "\(d): no such device. Check that it is plugged in and powered; `ls -l /dev/serial/by-id/` lists USB serial devices"
        case .notATerminal(let d):
            "\(d): not a serial device (tcgetattr says it is not a terminal)"
        case .settingsRejected(let d, let reason):
            "\(d): the driver did not apply the line settings: \(reason)"
        case .noMatchingDevice(let q, let present):
            "no serial device matches \(q)"
                + (present.isEmpty ? " (no USB serial devices are present)" : "; present: \(present.joined(separator: ", "))")
        case .ambiguousDevice(let q, let candidates):
            "\(q) matches \(candidates.count) devices (\(candidates.joined(separator: ", "))); "
                + "add the serial number or interface, or name the device by its /dev/serial/by-id/ path"
        case .disconnected(let d, let reason):
            "\(d): device disconnected (\(reason))"
        case .timedOut(let d, let operation, let after):
            "\(d): \(operation) timed out after \(after)"
        case .lineTooLong(let d, let limit):
            "\(d): no line terminator within \(limit) bytes; the partial line was dropped"
        case .closed(let d):
            "\(d): the port is closed"
        case .system(let d, let call, let code):
            "\(d): \(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }

    /// Maps an errno from `open` to the error a user can act on.
    static func opening(_ device: String, code: Int32) -> SerialError {
        switch code {
        case EACCES, EPERM: .permissionDenied(device: device)
        case EBUSY: .busy(device: device)
        case ENOENT, ENODEV, ENXIO: .notFound(device: device)
        default: .system(device: device, call: "open", code: code)
        }
    }

    /// Maps an errno from `read`/`write`/`tc*` on an open port.
    static func io(_ device: String, call: String, code: Int32) -> SerialError {
        switch code {
        case EIO, ENXIO, ENODEV: .disconnected(device: device, reason: "\(call): \(String(cString: strerror(code)))")
        case EBADF: .closed(device: device)
        default: .system(device: device, call: call, code: code)
        }
    }
}
