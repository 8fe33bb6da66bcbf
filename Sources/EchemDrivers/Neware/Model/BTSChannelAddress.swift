/// One tester channel as the BTS API names it: the BTS Client's middle-machine IP, the device type
/// code (27 = BTS85), device id, sub-device id and channel id (research §1.3).
public struct BTSChannelAddress: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var ip: String
    public var devtype: Int
    public var devid: Int
    public var subdevid: Int
    public var chlid: Int

    public init(ip: String = "127.0.0.1", devtype: Int = 27, devid: Int, subdevid: Int, chlid: Int) {
        self.ip = ip
        self.devtype = devtype
        self.devid = devid
        self.subdevid = subdevid
        self.chlid = chlid
    }

    /// aurora-neware's "pipeline" id, `devid-subdevid-chlid`, e.g. `21-1-3`.
    public var pipeline: String { "\(devid)-\(subdevid)-\(chlid)" }

    public var description: String { "\(devtype)-\(pipeline)" }

    /// `ip="…" devtype="…" devid="…" subdevid="…" chlid="…"`: the attributes every per-channel
    /// element carries.
    public var attributes: String {
        "ip=\"\(BTSXMLEscape.attribute(ip))\" devtype=\"\(devtype)\" devid=\"\(devid)\" subdevid=\"\(subdevid)\" chlid=\"\(chlid)\""
    }

    /// The same without `ip`, as `download`, `inquiredf` and `downloadStepLayer` address a channel.
    public var attributesWithoutIP: String {
        "devtype=\"\(devtype)\" devid=\"\(devid)\" subdevid=\"\(subdevid)\" chlid=\"\(chlid)\""
    }

    /// Parses `devid-subdevid-chlid` (aurora's pipeline form).
    public init?(pipeline: String, ip: String = "127.0.0.1", devtype: Int = 27) {
        let parts = pipeline.split(separator: "-").map { Int($0) }
        guard parts.count == 3, let d = parts[0], let s = parts[1], let c = parts[2] else { return nil }
        self.init(ip: ip, devtype: devtype, devid: d, subdevid: s, chlid: c)
    }

    /// Reads the address attributes of a reply or request element (`chlid` or `Channelid`).
    public init?(element e: BTSXMLElement, defaultIP: String = "127.0.0.1") {
        guard let d = e["devid"].flatMap({ Int($0) }), let s = e["subdevid"].flatMap({ Int($0) }),
              let c = e.value("chlid", "Channelid").flatMap({ Int($0) }) else { return nil }
        self.init(ip: e["ip"] ?? defaultIP, devtype: e["devtype"].flatMap { Int($0) } ?? 27, devid: d, subdevid: s, chlid: c)
    }

    /// Order by device, sub-device, channel (the order `getdevinfo` lists them).
    public static func < (a: BTSChannelAddress, b: BTSChannelAddress) -> Bool {
        (a.devtype, a.devid, a.subdevid, a.chlid) < (b.devtype, b.devid, b.subdevid, b.chlid)
    }
}
