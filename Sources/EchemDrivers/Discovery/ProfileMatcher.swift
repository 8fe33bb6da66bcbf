/// A present device and the profile that drives it.
public struct DeviceMatch: Sendable, Hashable, CustomStringConvertible {
    public var device: SerialDeviceInfo
    public var profile: DeviceProfile
    /// The profile's `usb` entry that matched.
    public var matchedID: USBIdentifier

    public init(device: SerialDeviceInfo, profile: DeviceProfile, matchedID: USBIdentifier) {
        self.device = device
        self.profile = profile
        self.matchedID = matchedID
    }

    /// What recognises the device after a replug (set for every match: matches need USB ids).
    public var key: DeviceKey? { device.key }

    /// Matched by vendor only (the profile lists no product id): the driver must confirm the
    /// model over the wire before trusting the profile.
    public var isVendorOnly: Bool { matchedID.productID == nil }

    public var description: String {
        "\(device) → \(profile.device.family)" + (isVendorOnly ? " (by vendor \(matchedID); model to be confirmed)" : "")
    }
}

/// Matches devices to profiles by the USB ids in each profile's `[device] usb`.
///
/// A profile entry with a product id matches that exact product; one without matches any product
/// of the vendor. The EA PSB 10000 profile is such a case: EA's vendor id (232e) is certain but
/// the product id of the PSB 10000's USB port is not confirmed (public code shows 0010 for the
/// PS 2000 series and 0018 for the PS 2000 B, which speaks another protocol), so every EA device
/// matches it and the driver confirms the model over Modbus (register 1, device type).
///
/// Profiles without USB ids (instruments behind generic USB-RS485 adapters, such as the Maynuo
/// M97) never match: an FTDI or CH340 id says nothing about what is on the other end, so those
/// are named in the channel config instead.
public struct ProfileMatcher: Sendable {
    public var profiles: [DeviceProfile]

    /// In priority order (`DeviceProfileLoader.loadAll` sorts by file name).
    public init(profiles: [DeviceProfile]) {
        self.profiles = profiles
    }

    /// The best match: an exact product match beats a vendor-only one; between equals, the
    /// earlier profile wins. nil for non-USB devices and unknown vendors.
    public func match(_ device: SerialDeviceInfo) -> DeviceMatch? {
        candidates(for: device).first
    }

    /// Every matching profile, best first: lets the daemon warn when two profiles claim a device.
    public func candidates(for device: SerialDeviceInfo) -> [DeviceMatch] {
        guard let usb = device.usb else { return [] }
        var exact: [DeviceMatch] = []
        var byVendor: [DeviceMatch] = []
        for profile in profiles {
            let ids = profile.device.usb.filter { $0.matches(vendorID: usb.vendorID, productID: usb.productID) }
            guard let id = ids.first(where: { $0.productID != nil }) ?? ids.first else { continue }
            let m = DeviceMatch(device: device, profile: profile, matchedID: id)
            if id.productID == nil { byVendor.append(m) } else { exact.append(m) }
        }
        return exact + byVendor
    }
}
