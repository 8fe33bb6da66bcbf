import Foundation

/// Reads a tty's identity straight from sysfs: the fallback for when udev's database is empty
/// (containers and systems without udevd), where `ID_VENDOR_ID` and friends are missing but the
/// kernel's attributes are there. It walks up from the tty to its USB interface
/// (`bInterfaceNumber`) and on to the `usb_device` (`idVendor`, `idProduct`, `serial`,
/// `manufacturer`, `product`), which is what `udev_device_get_parent_with_subsystem_devtype(dev,
/// "usb", "usb_device")` finds.
///
/// `root` is `/sys` on a real system; tests point it at a directory tree of their own.
public struct SysfsReader: Sendable {
    public var root: String

    public init(root: String = "/sys") {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The tty called `name` (`ttyUSB0`), through `class/tty/<name>`.
    public func device(named name: String) -> SerialDeviceInfo? {
        let link = "\(root)/class/tty/\(name)"
        let resolved = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
        return device(atSyspath: resolved)
    }

    /// The tty whose device directory is `syspath` (`<root>/devices/…/ttyUSB0/tty/ttyUSB0`): its
    /// devnode from `uevent`'s `DEVNAME`, and its USB identity if it has a USB ancestor.
    public func device(atSyspath syspath: String) -> SerialDeviceInfo? {
        guard let name = ueventValue("DEVNAME", in: syspath) else { return nil }
        return SerialDeviceInfo(devnode: "/dev/\(name)", syspath: syspath, usb: usbDetails(forSyspath: syspath))
    }

    /// The USB identity of the device at `syspath`, or nil if no ancestor is a `usb_device`.
    public func usbDetails(forSyspath syspath: String) -> USBDeviceDetails? {
        var interface: Int?
        var dir = syspath
        while dir.hasPrefix(root + "/") {
            // The interface sits between the tty and the device; the nearest one is the tty's.
            if interface == nil, let n = attribute("bInterfaceNumber", in: dir) { interface = Int(n, radix: 16) }
            if let vendor = USBDeviceDetails.hexID(attribute("idVendor", in: dir)),
               let product = USBDeviceDetails.hexID(attribute("idProduct", in: dir)) {
                return USBDeviceDetails(
                    vendorID: vendor, productID: product, serial: attribute("serial", in: dir),
                    manufacturer: attribute("manufacturer", in: dir), product: attribute("product", in: dir),
                    interfaceNumber: interface, portPath: (dir as NSString).lastPathComponent)
            }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// A sysfs attribute file's text, trimmed; nil if absent, unreadable or blank.
    func attribute(_ name: String, in dir: String) -> String? {
        DiscoveryText.clean(try? String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8))
    }

    /// `KEY=value` from the directory's `uevent` file.
    func ueventValue(_ key: String, in dir: String) -> String? {
        guard let text = try? String(contentsOfFile: "\(dir)/uevent", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + "=") {
            return DiscoveryText.clean(String(line.dropFirst(key.count + 1)))
        }
        return nil
    }
}
