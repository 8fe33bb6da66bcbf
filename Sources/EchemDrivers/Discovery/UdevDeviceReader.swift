import CUdev

/// Turns one libudev device into a `SerialDeviceInfo`: udev's properties first (set by the
/// `usb_id` builtin from `60-serial.rules`), sysfs for whatever they leave out, links from
/// `/dev/serial` when udev has none on record.
struct UdevDeviceReader {
    var sysfs: SysfsReader
    /// devnode → by-id/by-path links found on disk; empty when not scanned.
    var scannedLinks: [String: [String]] = [:]

    /// nil for devices without a devnode (nothing to open).
    func info(_ device: OpaquePointer) -> SerialDeviceInfo? {
        guard let devnode = string(udev_device_get_devnode(device)) else { return nil }
        let syspath = string(udev_device_get_syspath(device))
        var links: [String] = []
        var entry = udev_device_get_devlinks_list_entry(device)
        while let e = entry {
            if let name = string(udev_list_entry_get_name(e)) { links.append(name) }
            entry = udev_list_entry_get_next(e)
        }
        if links.isEmpty { links = scannedLinks[devnode] ?? [] }
        return SerialDeviceInfo(devnode: devnode, links: links.sorted(),
                                subsystem: string(udev_device_get_subsystem(device)) ?? "tty",
                                syspath: syspath, usb: usbDetails(device, syspath: syspath))
    }

    private func usbDetails(_ device: OpaquePointer, syspath: String?) -> USBDeviceDetails? {
        func property(_ key: String) -> String? { DiscoveryText.clean(string(udev_device_get_property_value(device, key))) }
        let fromSysfs = { syspath.flatMap(sysfs.usbDetails(forSyspath:)) }
        guard let vendor = USBDeviceDetails.hexID(property("ID_VENDOR_ID")),
              let product = USBDeviceDetails.hexID(property("ID_MODEL_ID")) else {
            // The udev database is empty (no udevd) or the device is not on USB.
            return fromSysfs()
        }
        let udev = USBDeviceDetails(
            vendorID: vendor, productID: product, serial: property("ID_SERIAL_SHORT"),
            manufacturer: Self.decoded(property("ID_VENDOR_ENC")) ?? property("ID_VENDOR"),
            product: Self.decoded(property("ID_MODEL_ENC")) ?? property("ID_MODEL"),
            interfaceNumber: property("ID_USB_INTERFACE_NUM").flatMap { Int($0, radix: 16) })
        // The port path (and anything else missing) only sysfs knows.
        return udev.filling(from: fromSysfs())
    }

    private func string(_ p: UnsafePointer<CChar>?) -> String? {
        p.map { String(cString: $0) }
    }

    /// udev's `_ENC` properties keep the original string with unsafe bytes as `\xHH`
    /// (`EA\x20Elektro-Automatik`); the plain ones replace spaces with underscores.
    static func decoded(_ text: String?) -> String? {
        guard let text else { return nil }
        var bytes: [UInt8] = []
        var u = Array(text.utf8)[...]
        while let b = u.first {
            if b == UInt8(ascii: "\\"), u.count >= 4, u[u.startIndex + 1] == UInt8(ascii: "x"),
               let v = UInt8(String(decoding: u[(u.startIndex + 2)..<(u.startIndex + 4)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                u = u.dropFirst(4)
            } else {
                bytes.append(b)
                u = u.dropFirst()
            }
        }
        return DiscoveryText.clean(String(decoding: bytes, as: UTF8.self))
    }
}
