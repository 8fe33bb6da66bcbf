import Foundation
import Testing
@testable import EchemDrivers

@Suite("Device discovery")
struct DiscoveryTests {
    // MARK: the real system

    @Test("a real udev enumeration lists tty devnodes under /dev, consistent with libudev's own list")
    func realEnumeration() throws {
        let devices = try UdevDeviceSource().enumerate()
        #expect(devices.allSatisfy { $0.devnode.hasPrefix("/dev/") && $0.subsystem == "tty" })
        #expect(Set(devices.map(\.devnode)).count == devices.count)
        #expect(Set(devices.map(\.devnode)) == Set(SystemLibraries.ttyDeviceNodes()))
        for device in devices {
            if let usb = device.usb {
                // Four hex digits each, as profiles and udev write them.
                #expect(usb.identifier.description.wholeMatch(of: /[0-9a-f]{4}:[0-9a-f]{4}/) != nil, "\(device)")
            }
            #expect(device.links.allSatisfy { $0.hasPrefix("/dev/") })
        }
    }

    @Test("the real netlink monitor starts (or says why not) and stops promptly")
    func realMonitor() {
        let source = UdevDeviceSource()
        let status = source.monitor { _ in }
        switch status {
        case .live: break
        case .quiet(let reason), .unavailable(let reason): #expect(!reason.isEmpty)
        }
        let start = ContinuousClock.now
        source.stop()
        source.stop()
        #expect(ContinuousClock.now - start < .seconds(1))
        // Enumeration works whatever the monitor said.
        #expect(throws: Never.self) { try source.enumerate() }
    }

    @Test("a watcher over the real udev source reports only USB devices, and stops")
    func realWatcher() async throws {
        let watcher = DeviceWatcher(source: UdevDeviceSource(), matcher: try Self.shippedMatcher())
        let status = watcher.start()
        if status.needsPolling { try watcher.rescan() }
        watcher.stop()
        for await event in watcher.events {
            switch event {
            case .plugged(let m): #expect(m.device.usb != nil)
            case .unrecognized(let d): #expect(d.usb != nil)
            case .unplugged: Issue.record("nothing was unplugged: \(event)")
            }
        }
    }

    // MARK: sysfs fallback

    @Test("without a udev database, the USB identity is read from the parent usb_device's sysfs attributes")
    func sysfsFallback() throws {
        let sys = try FakeSysfs()
        defer { sys.remove() }
        let reader = SysfsReader(root: sys.root)

        let ea = try #require(reader.device(named: "ttyACM0"))
        #expect(ea.devnode == "/dev/ttyACM0")
        #expect(ea.usb == USBDeviceDetails(vendorID: 0x232e, productID: 0x0010, serial: "2718250001",
                                           manufacturer: "EA Elektro-Automatik", product: "PSB 10080-60",
                                           interfaceNumber: 0, portPath: "1-1"))

        // An FTDI adapter's second port, without a serial number: recognised by its USB socket.
        let ftdi = try #require(reader.device(named: "ttyUSB1"))
        #expect(ftdi.usb?.identifier == USBIdentifier(vendorID: 0x0403, productID: 0x6010))
        #expect(ftdi.usb?.serial == nil)
        #expect(ftdi.usb?.interfaceNumber == 1)
        #expect(ftdi.key?.portPath == "1-2")

        // An on-board UART has no USB ancestor (the walk stops at the root hub's parent).
        let uart = try #require(reader.device(named: "ttyS0"))
        #expect(uart.devnode == "/dev/ttyS0" && uart.usb == nil)
        #expect(reader.device(named: "ttyNOPE") == nil)
    }

    @Test("udev's escaped property values are decoded")
    func decodedProperties() {
        #expect(UdevDeviceReader.decoded("EA\\x20Elektro-Automatik\\x20") == "EA Elektro-Automatik")
        #expect(UdevDeviceReader.decoded("FT232R\\x20USB\\x20UART") == "FT232R USB UART")
        #expect(UdevDeviceReader.decoded("plain\\x") == "plain\\x")
    }

    @Test("by-id links are found on disk when udev has none on record")
    func linkScanner() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let byID = dir.appendingPathComponent("by-id"), dev = dir.appendingPathComponent("ttyACM0")
        try FileManager.default.createDirectory(at: byID, withIntermediateDirectories: true)
        try Data().write(to: dev)
        try FileManager.default.createSymbolicLink(atPath: byID.appendingPathComponent("usb-EA_PSB_2718-if00").path,
                                                   withDestinationPath: "../ttyACM0")
        let links = SerialLinkScanner(directories: [byID.path, dir.appendingPathComponent("missing").path]).linksByDevnode()
        #expect(links == [dev.resolvingSymlinksInPath().path: [byID.appendingPathComponent("usb-EA_PSB_2718-if00").path]])
    }

    // MARK: matching

    @Test("the shipped profiles match EA by vendor, and nothing else")
    func shippedProfiles() throws {
        let matcher = try Self.shippedMatcher()
        let ea = Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: "2718")
        let match = try #require(matcher.match(ea))
        #expect(match.profile.device.family == "EA PSB 10000")
        #expect(match.isVendorOnly)
        #expect(match.description.contains("model to be confirmed"))
        // Maynuo has no USB ids (it sits behind a generic adapter), so an FTDI matches nothing.
        #expect(matcher.match(Self.device("/dev/ttyUSB0", vid: 0x0403, pid: 0x6001, serial: "A1")) == nil)
        #expect(matcher.match(SerialDeviceInfo(devnode: "/dev/ttyS0")) == nil)
    }

    @Test("an exact product id beats a vendor-only entry; otherwise the earlier profile wins")
    func matchPrecedence() throws {
        let ea = try #require(try Self.shippedMatcher().profiles.first { $0.device.family == "EA PSB 10000" })
        var exact = ea
        exact.device.family = "EA PS 2000"
        exact.device.usb = [USBIdentifier(vendorID: 0x232e, productID: 0x0010)]
        let matcher = ProfileMatcher(profiles: [ea, exact])
        #expect(matcher.match(Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: nil))?.profile.device.family == "EA PS 2000")
        #expect(matcher.match(Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0018, serial: nil))?.profile.device.family == "EA PSB 10000")
        #expect(matcher.candidates(for: Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: nil)).count == 2)
    }

    // MARK: the watcher

    @Test("plug, unplug and replug under a new devnode: the same device is recognised by its serial")
    func watcherLifecycle() async throws {
        let source = FakeDeviceSource()
        let watcher = DeviceWatcher(source: source, matcher: try Self.shippedMatcher())
        var events = watcher.events.makeAsyncIterator()
        #expect(watcher.start() == .live)

        source.plug(Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: "2718"))
        guard case .plugged(let first)? = await events.next() else { Issue.record("expected plugged"); return }
        #expect(first.profile.device.family == "EA PSB 10000")
        #expect(first.device.devnode == "/dev/ttyACM0")

        source.unplug(devnode: "/dev/ttyACM0")
        #expect(await events.next() == .unplugged(devnode: "/dev/ttyACM0", match: first))
        #expect(watcher.matches.isEmpty)

        // Non-USB ttys are not reported; an unknown USB vendor is reported as unrecognized.
        source.plug(SerialDeviceInfo(devnode: "/dev/ttyS4"))
        let ftdi = Self.device("/dev/ttyUSB0", vid: 0x0403, pid: 0x6001, serial: "FT1")
        source.plug(ftdi)
        #expect(await events.next() == .unrecognized(ftdi))

        // Back, as ttyACM1 after the FTDI took other numbers: same key, new devnode.
        source.plug(Self.device("/dev/ttyACM1", vid: 0x232e, pid: 0x0010, serial: "2718"))
        guard case .plugged(let again)? = await events.next() else { Issue.record("expected plugged"); return }
        #expect(again.key == first.key && again.key != nil)
        #expect(again.device.devnode == "/dev/ttyACM1")
        #expect(watcher.device(for: try #require(first.key))?.devnode == "/dev/ttyACM1")

        // Another EA unit is another device.
        source.plug(Self.device("/dev/ttyACM2", vid: 0x232e, pid: 0x0010, serial: "3141"))
        guard case .plugged(let other)? = await events.next() else { Issue.record("expected plugged"); return }
        #expect(other.key != first.key)
        #expect(watcher.matches.map(\.device.devnode) == ["/dev/ttyACM1", "/dev/ttyACM2"])

        source.unplug(devnode: "/dev/ttyUSB0")
        #expect(await events.next() == .unplugged(devnode: "/dev/ttyUSB0", match: nil))
        watcher.stop()
        #expect(await events.next() == nil)
    }

    @Test("devices present at start are reported, and a devnode taken over unseen is an unplug then a plug")
    func watcherStartAndReuse() async throws {
        let a = Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: "A")
        let source = FakeDeviceSource(devices: [a, SerialDeviceInfo(devnode: "/dev/ttyS0")])
        let watcher = DeviceWatcher(source: source, matcher: try Self.shippedMatcher())
        var events = watcher.events.makeAsyncIterator()
        watcher.start()
        guard case .plugged(let first)? = await events.next() else { Issue.record("expected plugged"); return }
        #expect(first.device == a)

        // The same device reported twice (monitor and enumeration both saw it): one event only.
        source.plug(a)
        let b = Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: "B")
        source.plug(b)
        #expect(await events.next() == .unplugged(devnode: "/dev/ttyACM0", match: first))
        guard case .plugged(let second)? = await events.next() else { Issue.record("expected plugged"); return }
        #expect(second.device == b)
        watcher.stop()
        #expect(await events.next() == nil)
    }

    @Test("without hot-plug events (no udevd), rescans find plugs and unplugs")
    func watcherPolling() async throws {
        let source = FakeDeviceSource(status: .quiet(reason: "udevd is not running"))
        let watcher = DeviceWatcher(source: source, matcher: try Self.shippedMatcher())
        var events = watcher.events.makeAsyncIterator()
        let status = watcher.start()
        #expect(status.needsPolling)
        #expect(status.description.contains("udevd is not running"))

        let ea = Self.device("/dev/ttyACM0", vid: 0x232e, pid: 0x0010, serial: "2718")
        source.plug(ea)      // no event: the monitor is quiet
        try watcher.rescan()
        guard case .plugged(let match)? = await events.next() else { Issue.record("expected plugged"); return }
        #expect(match.device == ea)
        try watcher.rescan() // nothing changed, nothing reported
        source.unplug(devnode: "/dev/ttyACM0")
        try watcher.rescan()
        #expect(await events.next() == .unplugged(devnode: "/dev/ttyACM0", match: match))
        watcher.stop()
        #expect(await events.next() == nil)
    }

    // MARK: helpers

    static func shippedMatcher() throws -> ProfileMatcher {
        let (profiles, diagnostics) = DeviceProfileLoader.loadAll(in: Fixtures.driversDirectory)
        try #require(diagnostics.isEmpty, "\(diagnostics)")
        try #require(profiles.count >= 2)
        return ProfileMatcher(profiles: profiles)
    }

    static func device(_ devnode: String, vid: UInt16, pid: UInt16, serial: String?) -> SerialDeviceInfo {
        SerialDeviceInfo(devnode: devnode, usb: USBDeviceDetails(vendorID: vid, productID: pid, serial: serial, interfaceNumber: 0))
    }
}

/// A directory tree laid out like /sys for three ttys: an EA device on a CDC-ACM port (tty
/// directly under the interface), an FTDI dual adapter's second port (ttyUSB1 between interface
/// and tty class dir) without a serial number, and an on-board UART. Both USB devices sit under
/// a root hub that has idVendor too, so the walk must stop at the nearest usb_device.
private struct FakeSysfs {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sysfs-\(UUID().uuidString)").path
        let hub = "devices/pci0000:00/0000:00:14.0/usb1"
        try write("\(hub)/idVendor", "1d6b\n")
        try write("\(hub)/idProduct", "0002\n")

        try write("\(hub)/1-1/idVendor", "232e\n")
        try write("\(hub)/1-1/idProduct", "0010\n")
        try write("\(hub)/1-1/serial", "2718250001\n")
        try write("\(hub)/1-1/manufacturer", "EA Elektro-Automatik\n")
        try write("\(hub)/1-1/product", "PSB 10080-60 \n")
        try write("\(hub)/1-1/1-1:1.0/bInterfaceNumber", "00\n")
        try tty("\(hub)/1-1/1-1:1.0/tty/ttyACM0", name: "ttyACM0")

        try write("\(hub)/1-2/idVendor", "0403\n")
        try write("\(hub)/1-2/idProduct", "6010\n")
        try write("\(hub)/1-2/1-2:1.1/bInterfaceNumber", "01\n")
        try tty("\(hub)/1-2/1-2:1.1/ttyUSB1/tty/ttyUSB1", name: "ttyUSB1")

        try tty("devices/platform/serial8250/tty/ttyS0", name: "ttyS0")
    }

    private func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: "\(root)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The device directory with its uevent, and the class/tty link to it, as the kernel makes them.
    private func tty(_ path: String, name: String) throws {
        try write("\(path)/uevent", "MAJOR=166\nMINOR=0\nDEVNAME=\(name)\n")
        try FileManager.default.createDirectory(atPath: "\(root)/class/tty", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/class/tty/\(name)", withDestinationPath: "../../\(path)")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
