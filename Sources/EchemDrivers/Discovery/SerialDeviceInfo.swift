/// A serial device the system has (a `tty` device node) and, when it hangs off USB, who made it.
public struct SerialDeviceInfo: Sendable, Hashable, CustomStringConvertible {
    /// `/dev/ttyUSB0`, `/dev/ttyACM1`: changes with plug order, so never the identity.
    public var devnode: String
    /// Symlinks to the devnode that udev made: `/dev/serial/by-id/…`, `/dev/serial/by-path/…`.
    public var links: [String]
    /// The kernel subsystem, `tty` for every device discovery lists.
    public var subsystem: String
    /// `/sys/devices/…/ttyUSB0/tty/ttyUSB0` when known.
    public var syspath: String?
    /// nil for on-board UARTs, virtual consoles and ptys.
    public var usb: USBDeviceDetails?

    public init(devnode: String, links: [String] = [], subsystem: String = "tty", syspath: String? = nil,
                usb: USBDeviceDetails? = nil) {
        self.devnode = devnode
        self.links = links
        self.subsystem = subsystem
        self.syspath = syspath
        self.usb = usb
    }

    /// `/dev/serial/by-id/usb-<vendor>_<model>_<serial>-if<NN>`: stable across replugs and ports,
    /// present only for USB devices with a serial number.
    public var byIDPaths: [String] { links.filter { $0.hasPrefix("/dev/serial/by-id/") } }

    /// `/dev/serial/by-path/…`: stable for a physical USB port, for devices without a serial.
    public var byPathPaths: [String] { links.filter { $0.hasPrefix("/dev/serial/by-path/") } }

    /// What recognises this device after a replug, or nil when it is not on USB.
    public var key: DeviceKey? { usb.map(DeviceKey.init) }

    /// `/dev/ttyACM0 (USB 232e:0010 serial 123, EA Elektro-Automatik PSB 10080-60)`
    public var description: String {
        guard let usb else { return devnode }
        return "\(devnode) (\(usb))"
    }
}

/// The USB identity of a serial device: from udev's database (`ID_VENDOR_ID`, `ID_MODEL_ID`,
/// `ID_SERIAL_SHORT`, …) or, without one, from the parent `usb_device`'s sysfs attributes.
public struct USBDeviceDetails: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    /// The device's iSerialNumber string; nil for adapters without one (cheap CH340s).
    public var serial: String?
    public var manufacturer: String?
    public var product: String?
    /// `bInterfaceNumber` of the tty's USB interface: which port of a multi-port adapter.
    public var interfaceNumber: Int?
    /// The `usb_device`'s kernel name (`1-1.4`: bus 1, hub port 1, port 4), i.e. the physical
    /// socket. Identifies a serial-less device as long as it stays in the same socket.
    public var portPath: String?

    public init(vendorID: UInt16, productID: UInt16, serial: String? = nil, manufacturer: String? = nil,
                product: String? = nil, interfaceNumber: Int? = nil, portPath: String? = nil) {
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
        self.interfaceNumber = interfaceNumber
        self.portPath = portPath
    }

    public var identifier: USBIdentifier { USBIdentifier(vendorID: vendorID, productID: productID) }

    /// Fields missing here taken from `other` (udev's answers first, sysfs for the gaps).
    func filling(from other: USBDeviceDetails?) -> USBDeviceDetails {
        guard let other, other.vendorID == vendorID, other.productID == productID else { return self }
        var d = self
        d.serial = serial ?? other.serial
        d.manufacturer = manufacturer ?? other.manufacturer
        d.product = product ?? other.product
        d.interfaceNumber = interfaceNumber ?? other.interfaceNumber
        d.portPath = portPath ?? other.portPath
        return d
    }

    public var description: String {
        var s = "USB \(identifier)"
        if let serial { s += " serial \(serial)" }
        if let interfaceNumber { s += " if\(interfaceNumber)" }
        let name = [manufacturer, product].compactMap { $0 }.joined(separator: " ")
        if !name.isEmpty { s += ", \(name)" }
        return s
    }

    /// Four hex digits (`"232e"`, `"0403"`) as udev and sysfs print them.
    static func hexID(_ text: String?) -> UInt16? {
        guard let t = DiscoveryText.clean(text), t.count == 4 else { return nil }
        return UInt16(t, radix: 16)
    }
}

/// "The same device" across unplug and replug: vendor, product, serial number and interface.
/// Not the devnode, which follows plug order. A device without a serial number falls back to
/// its physical USB port, so it is recognised only when it returns to the same socket.
public struct DeviceKey: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    public var serial: String?
    /// Only set when `serial` is nil.
    public var portPath: String?
    public var interfaceNumber: Int?

    public init(_ usb: USBDeviceDetails) {
        vendorID = usb.vendorID
        productID = usb.productID
        serial = usb.serial
        portPath = usb.serial == nil ? usb.portPath : nil
        interfaceNumber = usb.interfaceNumber
    }

    public var description: String {
        var s = USBIdentifier(vendorID: vendorID, productID: productID).description
        if let serial { s += " serial \(serial)" } else if let portPath { s += " at port \(portPath)" }
        if let interfaceNumber { s += " if\(interfaceNumber)" }
        return s
    }
}

/// Text as sysfs and udev give it: trailing newline and padding removed, blank meaning absent.
enum DiscoveryText {
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s.isEmpty ? nil : String(s)
    }
}
