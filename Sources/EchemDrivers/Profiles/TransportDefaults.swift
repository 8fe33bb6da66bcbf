/// A profile's `[transport]`: how the family is usually wired and timed. A channel's config names
/// the port or host; everything else defaults from here.
public struct TransportDefaults: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case rtu, tcp
    }

    public var mode: Mode
    public var framing: SerialFraming
    public var unit: Int
    /// See `ModbusBusConfiguration.unitZeroReplies`.
    public var unitZeroReplies: Bool
    /// TCP port.
    public var port: Int
    public var responseTimeout: Duration
    public var byteTimeout: Duration?
    public var interFrameDelay: Duration
    public var registerWrites: RegisterWriteFunction

    public init(mode: Mode = .rtu, framing: SerialFraming = SerialFraming(), unit: Int = 1, unitZeroReplies: Bool = false,
                port: Int = 502, responseTimeout: Duration = .milliseconds(500), byteTimeout: Duration? = nil,
                interFrameDelay: Duration = .zero, registerWrites: RegisterWriteFunction = .single) {
        self.mode = mode
        self.framing = framing
        self.unit = unit
        self.unitZeroReplies = unitZeroReplies
        self.port = port
        self.responseTimeout = responseTimeout
        self.byteTimeout = byteTimeout
        self.interFrameDelay = interFrameDelay
        self.registerWrites = registerWrites
    }

    /// A bus on a serial device with this profile's framing and timing.
    public func busConfiguration(serialPath: String, retry: ModbusRetryPolicy = ModbusRetryPolicy()) -> ModbusBusConfiguration {
        configuration(.rtu(path: serialPath, framing: framing), retry: retry)
    }

    /// A bus to a TCP peer (`port` defaults to the profile's).
    public func busConfiguration(host: String, port: Int? = nil, retry: ModbusRetryPolicy = ModbusRetryPolicy()) -> ModbusBusConfiguration {
        configuration(.tcp(host: host, port: port ?? self.port), retry: retry)
    }

    private func configuration(_ endpoint: ModbusEndpoint, retry: ModbusRetryPolicy) -> ModbusBusConfiguration {
        ModbusBusConfiguration(endpoint: endpoint, responseTimeout: responseTimeout, byteTimeout: byteTimeout,
                               retry: retry, interFrameDelay: interFrameDelay, unitZeroReplies: unitZeroReplies)
    }
}
