import CUdev
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Serial devices as libudev sees them: every device of the `tty` subsystem, with its USB
/// identity (from udev's database, or from sysfs when the database is empty), and add/remove
/// events from udev's netlink monitor.
///
/// Without udevd (containers) enumeration still works through the sysfs fallback, but the
/// monitor reports `.quiet` because no events will come; `DeviceWatcher` then rescans.
public final class UdevDeviceSource: DeviceSource {
    private let sysfs: SysfsReader
    private let linkScanner: SerialLinkScanner
    private let monitorThread = Mutex<UdevMonitorThread?>(nil)

    public init(sysfs: SysfsReader = SysfsReader(), linkScanner: SerialLinkScanner = SerialLinkScanner()) {
        self.sysfs = sysfs
        self.linkScanner = linkScanner
    }

    deinit { stop() }

    /// Each libudev object here is created and freed within the call (libudev is not
    /// thread-safe), so any thread may enumerate; it only reads sysfs and `/dev/serial`.
    public func enumerate() throws(DiscoveryError) -> [SerialDeviceInfo] {
        guard let udev = udev_new() else { throw .udevUnavailable("udev_new failed (\(Self.errnoText()))") }
        defer { udev_unref(udev) }
        guard let enumerate = udev_enumerate_new(udev) else { throw .udevUnavailable("udev_enumerate_new failed") }
        defer { udev_enumerate_unref(enumerate) }
        guard udev_enumerate_add_match_subsystem(enumerate, "tty") >= 0, udev_enumerate_scan_devices(enumerate) >= 0 else {
            throw .udevUnavailable("scanning the tty subsystem failed (\(Self.errnoText()))")
        }
        let reader = UdevDeviceReader(sysfs: sysfs, scannedLinks: linkScanner.linksByDevnode())
        var devices: [SerialDeviceInfo] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let e = entry {
            // A device can vanish between the scan and this lookup; it is then skipped.
            if let path = udev_list_entry_get_name(e), let device = udev_device_new_from_syspath(udev, path) {
                if let info = reader.info(device) { devices.append(info) }
                udev_device_unref(device)
            }
            entry = udev_list_entry_get_next(e)
        }
        return devices.sorted { $0.devnode < $1.devnode }
    }

    /// Starts (or restarts) the netlink monitor on its own thread.
    public func monitor(onEvent: @escaping @Sendable (DeviceSourceEvent) -> Void) -> DeviceMonitorStatus {
        stop()
        let (thread, status) = UdevMonitorThread.start(reader: UdevDeviceReader(sysfs: sysfs), onEvent: onEvent)
        monitorThread.withLock { $0 = thread }
        return status
    }

    public func stop() {
        let thread = monitorThread.withLock { t in
            defer { t = nil }
            return t
        }
        thread?.stop()
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
