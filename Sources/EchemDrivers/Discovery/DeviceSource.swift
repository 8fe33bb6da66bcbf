/// Where serial devices come from: udev on a real machine (`UdevDeviceSource`), a test double
/// in tests (`FakeDeviceSource`). `DeviceWatcher` consumes either.
public protocol DeviceSource: AnyObject, Sendable {
    /// The tty devices present now.
    func enumerate() throws(DiscoveryError) -> [SerialDeviceInfo]

    /// Starts reporting devices as they are added and removed, until `stop()`. `onEvent` is
    /// called on the source's own thread, one event at a time. The status says whether events
    /// will actually arrive; when they will not, enumerate periodically instead.
    func monitor(onEvent: @escaping @Sendable (DeviceSourceEvent) -> Void) -> DeviceMonitorStatus

    /// Stops monitoring; no event is delivered after it returns (unless called from `onEvent`
    /// itself). Idempotent.
    func stop()
}

public enum DeviceSourceEvent: Sendable, Hashable {
    case added(SerialDeviceInfo)
    /// The device as last known; after removal sysfs is gone, so only udev's record of it (or
    /// the devnode alone) remains.
    case removed(SerialDeviceInfo)
}

/// Whether hot-plug events reach the daemon.
public enum DeviceMonitorStatus: Sendable, Hashable, CustomStringConvertible {
    /// Add and remove events arrive as they happen.
    case live
    /// Monitoring runs but no events will come (no udevd: containers, minimal systems).
    case quiet(reason: String)
    /// The monitor could not be created (no netlink permission in a container); enumeration
    /// still works.
    case unavailable(reason: String)

    /// True when devices must be found by enumerating again (`DeviceWatcher.rescan()`).
    public var needsPolling: Bool { self != .live }

    public var description: String {
        switch self {
        case .live: "hot-plug monitoring is live"
        case .quiet(let r): "hot-plug events will not arrive: \(r); rescanning periodically instead"
        case .unavailable(let r): "hot-plug monitoring is unavailable: \(r); rescanning periodically instead"
        }
    }
}

public enum DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libudev could not be used at all.
    case udevUnavailable(String)

    public var description: String {
        switch self {
        case .udevUnavailable(let r): "device discovery through libudev failed: \(r)"
        }
    }
}
