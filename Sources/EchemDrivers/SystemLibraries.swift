import CModbus
import CUdev

/// The C libraries the drivers stand on, linked through pkg-config. The Modbus and udev drivers
/// (issue "Modbus cycler channels…") build on these; this file proves the wiring and reports versions.
public enum SystemLibraries {
    /// libmodbus's runtime version, e.g. "3.1.6".
    public static var modbusVersion: String {
        "\(libmodbus_version_major).\(libmodbus_version_minor).\(libmodbus_version_micro)"
    }

    /// Serial devices (subsystem `tty`) udev can see, by their /dev node. Empty inside containers
    /// without udevd; the discovery code falls back to sysfs attributes there.
    public static func ttyDeviceNodes() -> [String] {
        guard let udev = udev_new() else { return [] }
        defer { udev_unref(udev) }
        guard let enumerate = udev_enumerate_new(udev) else { return [] }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "tty")
        udev_enumerate_scan_devices(enumerate)
        var nodes: [String] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let e = entry {
            if let path = udev_list_entry_get_name(e), let dev = udev_device_new_from_syspath(udev, path) {
                if let node = udev_device_get_devnode(dev) { nodes.append(String(cString: node)) }
                udev_device_unref(dev)
            }
            entry = udev_list_entry_get_next(e)
        }
        return nodes
    }

    /// A Modbus TCP context can be created and configured (no connection is made).
    public static func modbusTCPContextWorks(host: String = "127.0.0.1", port: Int32 = 1502) -> Bool {
        guard let ctx = modbus_new_tcp(host, port) else { return false }
        defer { modbus_free(ctx) }
        return modbus_set_response_timeout(ctx, 1, 0) == 0
    }
}
