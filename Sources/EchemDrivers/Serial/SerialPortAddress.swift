/// How a configuration names a serial device. Never by `ttyUSBn`/`ttyACMn`: those numbers follow
/// plug order and change on replug.
public enum SerialPortAddress: Sendable, Hashable, CustomStringConvertible {
    /// A path to open as is: `/dev/serial/by-id/usb-…-if00` (stable), a devnode, a pty.
    case path(String)
    /// A USB device by identity, found among the present devices. `productID` nil: any product of
    /// the vendor. `serial` nil: any serial (ambiguous if two such devices are present).
    /// `interface` picks one port of a multi-port adapter.
    case usb(vendorID: UInt16, productID: UInt16?, serial: String?, interface: Int? = nil)

    public var description: String {
        switch self {
        case .path(let p): return p
        case .usb(let v, let p, let serial, let interface):
            var s = "USB \(USBIdentifier(vendorID: v, productID: p))"
            if let serial { s += " serial \(serial)" }
            if let interface { s += " interface \(interface)" }
            return s
        }
    }

    /// Whether `device` is the one this address names (paths compare with the devnode and its links).
    public func matches(_ device: SerialDeviceInfo) -> Bool {
        switch self {
        case .path(let p):
            return device.devnode == p || device.links.contains(p)
        case .usb(let v, let p, let serial, let interface):
            guard let usb = device.usb, USBIdentifier(vendorID: v, productID: p).matches(vendorID: usb.vendorID, productID: usb.productID) else {
                return false
            }
            if let serial, usb.serial != serial { return false }
            if let interface, usb.interfaceNumber != interface { return false }
            return true
        }
    }

    /// The path to open: a `.path` as given; for `.usb`, the one matching device's by-id link if
    /// it has one (stable, and readable in messages), else its devnode.
    public func resolve(in devices: [SerialDeviceInfo]) throws(SerialError) -> String {
        if case .path(let p) = self { return p }
        let found = devices.filter(matches)
        guard let device = found.first else {
            throw .noMatchingDevice(query: description, present: devices.filter { $0.usb != nil }.map(\.description))
        }
        guard found.count == 1 else { throw .ambiguousDevice(query: description, candidates: found.map(\.description)) }
        return device.byIDPaths.first ?? device.devnode
    }

    /// As `resolve(in:)`, over the source's current devices.
    public func resolve(using source: any DeviceSource) throws(SerialError) -> String {
        if case .path(let p) = self { return p }
        do {
            return try resolve(in: source.enumerate())
        } catch let error as SerialError {
            throw error
        } catch {
            throw .noMatchingDevice(query: "\(description) (device discovery failed: \(error))", present: [])
        }
    }
}
