/// What went wrong talking MethodSCRIPT, beyond a lost line (which is a
/// `ChannelError.disconnected`, so the daemon's reconnect logic sees it).
public enum MethodSCRIPTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The device answered `!XXXX`: the code, its meaning, and what echemd was doing.
    case device(MethodSCRIPTDeviceError, during: String)
    /// The device sent a line that is not MethodSCRIPT.
    case malformedReply(MethodSCRIPTFormatError, during: String)
    /// A well-formed line that makes no sense at this point of the exchange.
    case unexpectedReply(String, during: String, expected: String)
    /// The `t` reply does not name a device echemd has a profile for.
    case unknownDevice(firmware: String, known: [String])

    public var description: String {
        switch self {
        case .device(let e, let during): "\(e), while \(during)"
        case .malformedReply(let e, let during): "\(e), while \(during)"
        case .unexpectedReply(let line, let during, let expected):
            "unexpected MethodSCRIPT reply `\(MethodSCRIPTText.visible(line))` while \(during) (expected \(expected))"
        case .unknownDevice(let firmware, let known):
            "the firmware `\(MethodSCRIPTText.visible(firmware))` names no known MethodSCRIPT device "
                + "(known prefixes: \(known.joined(separator: ", "))); give the channel a profile"
        }
    }

    /// The device's error code, when the device reported one.
    public var deviceCode: MethodSCRIPTErrorCode? {
        if case .device(let e, _) = self { return e.code }
        return nil
    }
}
