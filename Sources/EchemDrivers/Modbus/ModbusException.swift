/// A Modbus exception: the device received the request and refused it. It is an answer, not a
/// transport failure, so it is never retried; the code is kept and explained in words.
public enum ModbusException: UInt8, Sendable, Hashable, CaseIterable {
    case illegalFunction = 0x01
    case illegalDataAddress = 0x02
    case illegalDataValue = 0x03
    case serverDeviceFailure = 0x04
    case acknowledge = 0x05
    case serverDeviceBusy = 0x06
    case negativeAcknowledge = 0x07
    case memoryParityError = 0x08
    case gatewayPathUnavailable = 0x0A
    case gatewayTargetFailedToRespond = 0x0B

    /// The exception's name, as the Modbus specification spells it.
    public var name: String {
        switch self {
        case .illegalFunction: "illegal function"
        case .illegalDataAddress: "illegal data address"
        case .illegalDataValue: "illegal data value"
        case .serverDeviceFailure: "server device failure"
        case .acknowledge: "acknowledge"
        case .serverDeviceBusy: "server device busy"
        case .negativeAcknowledge: "negative acknowledge"
        case .memoryParityError: "memory parity error"
        case .gatewayPathUnavailable: "gateway path unavailable"
        case .gatewayTargetFailedToRespond: "gateway target device failed to respond"
        }
    }

    /// "illegal data address: register 0x1234 not in the device's map": the name plus what it
    /// means for this request, so an operator can act without the spec at hand.
    public func explanation(for request: ModbusRequestSummary) -> String {
        let why: String
        switch self {
        case .illegalFunction:
            why = "the device does not support function 0x\(String(request.function.rawValue, radix: 16, uppercase: true)) (\(request.function))"
        case .illegalDataAddress:
            why = "\(request.target) not in the device's map"
        case .illegalDataValue:
            why = request.function.isRead
                ? "the device refused the count or range of \(request.target)"
                : "the device refused the value written to \(request.target) (out of its range, or not allowed in its present state)"
        case .serverDeviceFailure:
            why = "the device failed while acting on the request"
        case .acknowledge:
            why = "the device accepted a long-running request and is still working on it"
        case .serverDeviceBusy:
            why = "the device is busy with a long-running command"
        case .negativeAcknowledge:
            why = "the device cannot perform the requested program function"
        case .memoryParityError:
            why = "the device found a parity error in its memory"
        case .gatewayPathUnavailable:
            why = "the gateway has no path to unit \(request.unit)"
        case .gatewayTargetFailedToRespond:
            why = "unit \(request.unit) behind the gateway did not respond"
        }
        return "\(name): \(why)"
    }
}
