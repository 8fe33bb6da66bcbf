import EchemCore
import EchemDrivers
import EchemStore
import EchemTOML
import Foundation

/// Reads `echemd.toml` into a `DaemonConfig`, reporting every mistake as `FILE:LINE:COL: error:`
/// in one pass (like protocol files). Quantities are unit strings ("4.2 V", "50 mA") or plain
/// numbers in SI units.
public enum ConfigLoader {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var lines: [String]
        public var description: String { lines.joined(separator: "\n") }
    }

    public static let defaultPath = "/etc/echemd/echemd.toml"

    public static func load(path: String) throws(Failure) -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(lines: ["\(path): error: cannot read the configuration file"])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(lines: ["\(path):1:1: error: the file is not UTF-8 text"])
        }
        return try parse(text, filename: path)
    }

    public static func parse(_ text: String, filename: String) throws(Failure) -> DaemonConfig {
        let root: TOMLTable
        do { root = try TOMLParser.parse(text, filename: filename) } catch {
            throw Failure(lines: ["\(error)"])
        }
        var r = TOMLReader(root, filename: filename)
        var config = DaemonConfig.simulatedBench()
        config.channels = []
        config.source = filename
        if let b = r.string("bench", default: nil) { config.bench = b }
        config.stateDirectory = r.string("state_directory", default: nil)
        config.socketPath = r.string("socket", default: nil)
        config.socketGroup = r.string("socket_group", default: nil)
        config.controlGroup = r.string("control_group", default: nil)
        config.driversFolder = r.string("drivers", default: nil)
        if let p = r.choice("recovery", among: RecoveryPolicy.allCases.map(\.rawValue), default: nil) {
            config.recovery = RecoveryPolicy(rawValue: p) ?? .resume
        }
        if let d = r.choice("durability", among: ["full", "normal"], default: nil) {
            config.durability = d == "full" ? .full : .normal
        }
        if var sim = r.table("simulation", required: false) {
            if let node = sim.node("speed") {
                if case .string(let s) = node.value, s == "max" { config.simulation.speed = nil } else if let v = sim.double("speed", default: nil) {
                    if v > 0 { config.simulation.speed = v } else { sim.error("simulation.speed must be positive", at: node.location, expected: "a factor such as 1 or 600, or \"max\"") }
                }
            }
            if let p = quantity(&sim, "sample_period", .time, what: "a time such as \"1 s\" or \"100 ms\"") {
                config.simulation.samplePeriod = p
            }
            if let n = quantity(&sim, "noise", .voltage, what: "a voltage σ such as \"0.1 mV\"") { config.simulation.noiseVolts = n }
            sim.rejectUnknownKeys()
        }
        var seen: [String: TOMLLocation] = [:]
        for var ch in r.tables("channels") {
            guard let id = ch.string("id") else { continue }
            if let first = seen[id] {
                ch.error("channel id '\(id)' is used twice (first at line \(first.line))", at: ch.location, expected: "unique channel ids")
            }
            seen[id] = ch.location
            let driverName = ch.choice("driver", among: DriverKind.allCases.map(\.rawValue))
            let address = ch.string("address", default: nil)
            var profileRef: ModbusProfileRef?
            var methodscript: MethodSCRIPTRef?
            var neware: NewareRef?
            if driverName == DriverKind.neware.rawValue {
                neware = newareRef(&ch, address: address)
            }
            if driverName == DriverKind.modbus.rawValue {
                profileRef = modbusProfile(&ch, address: address, configFile: filename)
            }
            if driverName == DriverKind.methodscript.rawValue {
                methodscript = methodscriptRef(&ch, address: address, driversFolder: config.driversFolder)
            }
            guard var lim = ch.table("limits", required: true) else { continue }
            let minV = quantity(&lim, "min_voltage", .voltage, what: "a voltage such as \"0 V\"", required: true)
            let maxV = quantity(&lim, "max_voltage", .voltage, what: "a voltage such as \"4.5 V\"", required: true)
            let maxI = quantity(&lim, "max_current", .current, what: "a current such as \"50 mA\"", required: true)
            let maxP = quantity(&lim, "max_power", .power, what: "a power such as \"0.25 W\"")
            let minT = quantity(&lim, "min_temperature", .temperature, what: "a temperature such as \"-20 degC\"")
            let maxT = quantity(&lim, "max_temperature", .temperature, what: "a temperature such as \"60 degC\"")
            lim.rejectUnknownKeys()
            ch.rejectUnknownKeys()
            if let minV, let maxV, minV >= maxV, let at = lim.node("max_voltage")?.location {
                lim.error("max_voltage must be above min_voltage", at: at, expected: "min_voltage < max_voltage")
            }
            if let maxI, maxI <= 0, let at = lim.node("max_current")?.location {
                lim.error("max_current must be positive", at: at, expected: "a current such as \"50 mA\"")
            }
            guard let driverName, let driver = DriverKind(rawValue: driverName), let minV, let maxV, let maxI else { continue }
            config.channels.append(ChannelConfig(id: id, driver: driver, address: address,
                                                 limits: HardLimits(minVolts: minV, maxVolts: maxV, maxAmperes: maxI,
                                                                    maxWatts: maxP, minCelsius: minT, maxCelsius: maxT),
                                                 profile: profileRef, methodscript: methodscript, neware: neware))
        }
        r.rejectUnknownKeys()
        let errors = r.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw Failure(lines: r.diagnostics.map(\.description)) }
        if config.channels.isEmpty {
            throw Failure(lines: ["\(filename):1:1: error: no [[channels]] defined (expected at least one [[channels]] table with id, driver and limits)"])
        }
        return config
    }

    /// A modbus channel's `profile` (a `drivers/*.toml`, relative to the configuration file's folder
    /// unless absolute), `unit` and `sample_period`. The profile's own errors are reported too.
    static func modbusProfile(_ ch: inout TOMLReader, address: String?, configFile: String) -> ModbusProfileRef? {
        if address == nil { ch.error("missing 'address' for a modbus channel", at: ch.location, expected: "tcp://HOST:PORT or a serial device path such as /dev/serial/by-id/…") }
        let unit = ch.int("unit", default: nil)
        let period = quantity(&ch, "sample_period", .time, what: "a time such as \"1 s\"") ?? 1
        let pacing = ch.choice("clock", among: SamplePacing.allCases.map(\.rawValue), default: nil)
            .flatMap(SamplePacing.init(rawValue:)) ?? .realTime
        guard let path = ch.string("profile"), let node = ch.node("profile") else { return nil }
        let base = (configFile as NSString).deletingLastPathComponent
        let resolved = path.hasPrefix("/") || base.isEmpty ? path : base + "/" + path
        let candidates = [resolved, path]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            ch.error("profile file '\(path)' not found (looked at \(candidates.joined(separator: " and ")))", at: node.location,
                     expected: "a device profile such as drivers/ea-psb-10000.toml")
            return nil
        }
        do {
            let profile = try DeviceProfileLoader.load(contentsOf: URL(fileURLWithPath: found))
            return ModbusProfileRef(path: found, profile: profile, unit: unit ?? profile.transport.unit,
                                    samplePeriod: period, pacing: pacing)
        } catch {
            for d in error.diagnostics { ch.collector.report(d) }
            return nil
        }
    }

    /// A MethodSCRIPT channel's `model` (a file of `DRIVERS/methodscript/`, which sets its ranges
    /// before the port is ever opened), optional `baud` and `sample_period` of holds. DRIVERS is
    /// the configuration's `drivers`, else `$ECHEMD_DRIVERS`, `/usr/share/echemd/drivers` or `./drivers`.
    static func methodscriptRef(_ ch: inout TOMLReader, address: String?, driversFolder: String?) -> MethodSCRIPTRef? {
        if address == nil { ch.error("missing 'address' for a methodscript channel", at: ch.location, expected: "a serial device path such as /dev/serial/by-id/usb-PalmSens_…") }
        var catalog: MethodSCRIPTCatalog?
        do throws(DeviceProfileError) {
            if let driversFolder { catalog = try MethodSCRIPTCatalog.load(driversFolder: driversFolder) }
            else { catalog = try MethodSCRIPTCatalog.standard() }
        } catch {
            for d in error.diagnostics { ch.collector.report(d) }
        }
        var model: String?
        if let catalog { model = ch.choice("model", among: catalog.models) } else { _ = ch.node("model") }
        let baud = ch.int("baud", default: nil)
        if let baud, ![230_400, 921_600].contains(baud), let at = ch.node("baud")?.location {
            ch.error("baud \(baud) is not a MethodSCRIPT rate", at: at, expected: "230400 or 921600")
        }
        let period = quantity(&ch, "sample_period", .time, what: "a time such as \"1 s\"") ?? 1
        guard let address, let model, let profile = catalog?.named(model) else { return nil }
        return MethodSCRIPTRef(address: address, profile: profile, baud: baud, samplePeriod: period)
    }

    /// A Neware channel: `address` of the BTS Client (`tcp://HOST:PORT`, port 502 by default), the
    /// `channel` pipeline, `units` the client reports in, the `step_folder` it reads step files
    /// from (and `step_folder_remote`, its name there), `poll` and the BTS machine's `time_zone`.
    static func newareRef(_ ch: inout TOMLReader, address: String?) -> NewareRef? {
        var endpoint: (String, Int)?
        if let address {
            let bare = address.hasPrefix("tcp://") ? String(address.dropFirst(6)) : address
            let parts = bare.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 1, !parts[0].isEmpty { endpoint = (String(parts[0]), 502) }
            else if parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65_535).contains(port) {
                endpoint = (String(parts[0]), port)
            }
            if endpoint == nil, let at = ch.node("address")?.location {
                ch.error("address '\(address)' is not a BTS Client address", at: at, expected: "tcp://HOST:PORT, e.g. tcp://192.168.1.20:502")
            }
        } else {
            ch.error("missing 'address' for a neware channel", at: ch.location, expected: "the BTS Client as tcp://HOST:PORT (port 502 by default)")
        }
        let pipeline = ch.string("channel")
        if let pipeline, BTSChannelAddress(pipeline: pipeline) == nil, let at = ch.node("channel")?.location {
            ch.error("channel '\(pipeline)' is not a Neware channel name", at: at, expected: "DEVID-SUBDEVID-CHLID as BTS shows it, e.g. \"1-1-3\"")
        }
        let units = ch.choice("units", among: BTSUnitScale.allCases.map(\.rawValue))
        let folder = ch.string("step_folder")
        let remote = ch.string("step_folder_remote", default: nil)
        let poll = quantity(&ch, "poll", .time, what: "a time of at least 5 s, such as \"10 s\"") ?? 10
        if poll < NewareRef.minimumPoll, let at = ch.node("poll")?.location {
            ch.error("poll \(poll) s is faster than the BTS Client refreshes", at: at, expected: "at least 5 s")
        }
        let zone = ch.string("time_zone", default: nil) ?? "UTC"
        if TimeZone(identifier: zone) == nil, let at = ch.node("time_zone")?.location {
            ch.error("time_zone '\(zone)' is not a time zone", at: at, expected: "an IANA name such as \"Europe/Berlin\" or \"UTC\"")
        }
        guard let endpoint, let pipeline, BTSChannelAddress(pipeline: pipeline) != nil, let units,
              let scale = BTSUnitScale(rawValue: units), let folder, poll >= NewareRef.minimumPoll,
              TimeZone(identifier: zone) != nil else { return nil }
        return NewareRef(host: endpoint.0, port: endpoint.1, pipeline: pipeline, unitScale: scale, stepFolder: folder,
                         stepFolderRemote: remote, pollSeconds: poll, timeZone: zone)
    }

    /// A quantity given as a unit string ("50 mA") or a bare number in SI units.
    static func quantity(_ r: inout TOMLReader, _ key: String, _ dimension: PhysicalDimension, what: String,
                         required: Bool = false) -> Double? {
        guard let node = r.node(key) else {
            if required { r.error("missing '\(r.path(of: key))'", at: r.location, expected: what) }
            return nil
        }
        switch node.value {
        case .integer(let i): return Double(i)
        case .float(let d): return d
        case .string(let s):
            if case .success(let q) = QuantityParser.parse(s), q.dimension == dimension { return q.value }
            r.error("\(r.path(of: key)): cannot read '\(s)' as a \(dimension) quantity", at: node.location, expected: what)
        default:
            r.error("\(r.path(of: key)): expected a quantity", at: node.location, expected: what)
        }
        return nil
    }
}
