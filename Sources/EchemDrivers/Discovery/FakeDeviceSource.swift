import Synchronization

/// A test double for `DeviceSource`: devices appear and disappear when code calls `plug` and
/// `unplug`, as if a cable were connected. Tests drive `DeviceWatcher` with it (these machines
/// have no udevd and no instruments), and it stands in for hardware in demos.
///
/// Events are delivered synchronously inside `plug`/`unplug`, so a test can check the
/// outcome right after the call.
public final class FakeDeviceSource: DeviceSource {
    private struct State {
        var devices: [SerialDeviceInfo]
        var onEvent: (@Sendable (DeviceSourceEvent) -> Void)?
    }

    private let state: Mutex<State>
    private let status: DeviceMonitorStatus

    /// `devices` are present from the start; `status` is what `monitor` reports (use `.quiet`
    /// to exercise the rescan path: events are then not delivered).
    public init(devices: [SerialDeviceInfo] = [], status: DeviceMonitorStatus = .live) {
        state = Mutex(State(devices: devices))
        self.status = status
    }

    public func enumerate() -> [SerialDeviceInfo] {
        state.withLock { $0.devices }
    }

    public func monitor(onEvent: @escaping @Sendable (DeviceSourceEvent) -> Void) -> DeviceMonitorStatus {
        if status == .live { state.withLock { $0.onEvent = onEvent } }
        return status
    }

    public func stop() {
        state.withLock { $0.onEvent = nil }
    }

    /// Adds `device` (replacing any at the same devnode) and reports it.
    public func plug(_ device: SerialDeviceInfo) {
        let handler = state.withLock { s in
            s.devices.removeAll { $0.devnode == device.devnode }
            s.devices.append(device)
            return s.onEvent
        }
        handler?(.added(device))
    }

    /// Removes the device at `devnode`, if any, and reports it.
    public func unplug(devnode: String) {
        let (removed, handler) = state.withLock { s in
            let gone = s.devices.first { $0.devnode == devnode }
            s.devices.removeAll { $0.devnode == devnode }
            return (gone, s.onEvent)
        }
        if let removed { handler?(.removed(removed)) }
    }
}
