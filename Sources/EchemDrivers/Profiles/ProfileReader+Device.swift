import EchemTOML

/// `[device]`, `[transport]` and `[limits]`.
extension ProfileReader {
    mutating func readDevice() -> DeviceIdentity? {
        guard var d = root.table("device") else { return nil }
        let family = d.string("family")
        let manufacturer = d.string("manufacturer")
        let models = d.strings("models")
        let kind = d.choice("kind", among: DeviceKind.allCases.map(\.rawValue)).flatMap(DeviceKind.init(rawValue:))
        kindLocation = d.node("kind")?.location
        var usb: [USBIdentifier] = []
        var usbOK = true
        for var u in d.tables("usb", required: false) {
            let vid = u.usbID("vid", required: true)
            let pid = u.usbID("pid", required: false)
            if case .some(.some(let v)) = vid, case .some(let p) = pid {
                usb.append(USBIdentifier(vendorID: v, productID: p))
            } else {
                usbOK = false
            }
            u.rejectUnknownKeys()
        }
        _ = d.string("description", default: nil)
        d.rejectUnknownKeys()
        guard let family, let manufacturer, let models, let kind, usbOK else { return nil }
        return DeviceIdentity(family: family, manufacturer: manufacturer, models: models, kind: kind, usb: usb)
    }

    mutating func readTransport() -> TransportDefaults? {
        guard var t = root.table("transport") else { return nil }
        let errors = t.collector.errors.count
        let d = TransportDefaults()
        let mode = t.choice("mode", among: TransportDefaults.Mode.allCases.map(\.rawValue), default: d.mode.rawValue)
        let baud = t.int("baud", in: 300...4_000_000, default: d.framing.baud)
        let parity = t.choice("parity", among: SerialFraming.Parity.allCases.map(\.rawValue), default: d.framing.parity.rawValue)
        let dataBits = t.int("data_bits", in: 7...8, default: d.framing.dataBits)
        let stopBits = t.int("stop_bits", in: 1...2, default: d.framing.stopBits)
        let unit = t.int("unit", in: 0...247, default: d.unit)
        let unitZero = t.bool("unit0_replies", default: false)
        let port = t.int("port", in: 1...65_535, default: d.port)
        let response = t.duration("response_timeout", default: d.responseTimeout)
        let byte = t.duration("byte_timeout", default: nil)
        let gap = t.duration("inter_frame_delay", default: .zero, example: "5 ms")
        let writes = t.choice("register_writes", among: RegisterWriteFunction.allCases.map(\.rawValue), default: d.registerWrites.rawValue)
        t.rejectUnknownKeys()
        guard t.collector.errors.count == errors else { return nil }
        return TransportDefaults(
            mode: TransportDefaults.Mode(rawValue: mode) ?? d.mode,
            framing: SerialFraming(baud: baud ?? d.framing.baud, parity: SerialFraming.Parity(rawValue: parity) ?? .none,
                                   dataBits: dataBits ?? 8, stopBits: stopBits ?? 1),
            unit: unit ?? d.unit, unitZeroReplies: unitZero, port: port ?? d.port,
            responseTimeout: response ?? d.responseTimeout, byteTimeout: byte, interFrameDelay: gap ?? .zero,
            registerWrites: RegisterWriteFunction(rawValue: writes) ?? .single)
    }

    mutating func readLimits(kind: DeviceKind?) -> DeviceLimits? {
        guard var l = root.table("limits") else { return nil }
        let v = l.quantity("max_voltage", .voltage, required: true, example: "80 V")
        let i = l.quantity("max_current", .current, required: true, example: "60 A")
        let p = l.quantity("max_power", .power, required: false, example: "1500 W")
        let sink = l.bool("can_sink")
        for (key, value) in [("max_voltage", v), ("max_current", i), ("max_power", p)] {
            if let value, value <= 0, let node = l.node(key) {
                l.error("\(l.path(of: key)): a limit must be positive", at: node.location, expected: "a value above zero")
            }
        }
        if let kind, let sink, sink != kind.canSink, let node = l.node("can_sink") {
            l.error("\(l.path(of: "can_sink")): a device of kind \"\(kind.rawValue)\" \(kind.canSink ? "sinks" : "cannot sink") current",
                    at: node.location, expected: "can_sink = \(kind.canSink)")
        }
        l.rejectUnknownKeys()
        guard let v, let i, let sink, v > 0, i > 0 else { return nil }
        return DeviceLimits(maxVoltage: v, maxCurrent: i, maxPower: p, canSink: sink)
    }
}
