import EchemCore
import EchemTOML
import Foundation

/// Reads MethodSCRIPT instrument models from `drivers/methodscript/*.toml`: data, like the Modbus
/// profiles, so a new model (or a narrower envelope) is a file, not Swift code. Every mistake is a
/// located diagnostic, all of them in one pass.
public enum MethodSCRIPTProfileLoader {
    /// The folder under a drivers folder that holds MethodSCRIPT models.
    public static let subfolder = "methodscript"

    public static func load(text: String, filename: String) throws(DeviceProfileError) -> MethodSCRIPTProfile {
        let table: TOMLTable
        do { table = try TOMLParser.parse(text, filename: filename) } catch {
            throw DeviceProfileError(diagnostics: [error.diagnostic])
        }
        var root = TOMLReader(table, filename: filename)
        let profile = read(&root)
        root.rejectUnknownKeys()
        guard let profile, !root.hasErrors else { throw DeviceProfileError(diagnostics: root.diagnostics) }
        return profile
    }

    public static func load(contentsOf url: URL) throws(DeviceProfileError) -> MethodSCRIPTProfile {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DeviceProfileError(diagnostics: [TOMLDiagnostic(
                filename: url.path, location: .start, severity: .error,
                message: "cannot read the MethodSCRIPT model: \(error.localizedDescription)")])
        }
        return try load(text: text, filename: url.path)
    }

    private static func read(_ root: inout TOMLReader) -> MethodSCRIPTProfile? {
        guard var m = root.table("methodscript") else { return nil }
        let name = m.string("name")
        let model = m.string("model")
        let prefix = m.string("firmware_prefix")
        var baud = m.int("baud")
        if let b = baud, ![230_400, 921_600].contains(b), let node = m.node("baud") {
            m.error("\(m.path(of: "baud")): \(b) is not a MethodSCRIPT rate", at: node.location, expected: "230400 or 921600")
            baud = nil
        }
        let minV = m.quantity("min_potential", .voltage, required: true, example: "-10 V")
        let maxV = m.quantity("max_potential", .voltage, required: true, example: "10 V")
        let maxI = m.quantity("max_current", .current, required: true, example: "100 mA")
        let galvanostat = m.bool("galvanostat")
        let minHz = m.quantity("min_frequency", .frequency, required: false, example: "10 uHz")
        let maxHz = m.quantity("max_frequency", .frequency, required: false, example: "1 MHz")
        if (minHz == nil) != (maxHz == nil) {
            m.error("\(m.prefixText)give both min_frequency and max_frequency (an FRA window), or neither", at: m.location,
                    expected: "min_frequency = \"10 uHz\" and max_frequency = \"200 kHz\"")
        }
        var low = 2, high = 3
        var galvanostatic: Int?
        if var modes = m.table("pgstat_modes") {
            low = modes.int("low_speed") ?? low
            high = modes.int("high_speed") ?? high
            galvanostatic = modes.int("galvanostatic", default: nil)
            modes.rejectUnknownKeys()
        }
        var ranges: [MethodSCRIPTProfile.CurrentRange] = []
        for var r in m.tables("current_ranges") {
            let index = r.int("index")
            let scale = r.quantity("full_scale", .current, required: true, example: "1 mA")
            r.rejectUnknownKeys()
            if let index, let scale { ranges.append(.init(index: index, amperes: scale)) }
        }
        if ranges.isEmpty, m.node("current_ranges") != nil {
            m.error("\(m.prefixText)current_ranges is empty", at: m.location, expected: "at least one { index = N, full_scale = \"1 mA\" }")
        }
        if let g = galvanostat, g, galvanostatic == nil, m.node("pgstat_modes") != nil {
            m.error("\(m.prefixText)a galvanostat needs pgstat_modes.galvanostatic", at: m.location, expected: "galvanostatic = 6")
        }
        m.rejectUnknownKeys()
        guard let name, let model, let prefix, let baud, let minV, let maxV, let maxI, let galvanostat, !ranges.isEmpty
        else { return nil }
        if minV >= maxV {
            m.error("\(m.prefixText)max_potential must be above min_potential", at: m.location, expected: "min_potential < max_potential")
            return nil
        }
        return MethodSCRIPTProfile(name: name, model: model, firmwarePrefix: prefix, baud: baud, minVolts: minV, maxVolts: maxV,
                                   maxAbsCurrent: maxI, currentRanges: ranges, galvanostat: galvanostat,
                                   minHz: minHz, maxHz: maxHz, lowSpeedMode: low, highSpeedMode: high,
                                   galvanostaticMode: galvanostatic ?? 6)
    }
}

/// The MethodSCRIPT models an installation knows: every `drivers/methodscript/*.toml`.
public struct MethodSCRIPTCatalog: Sendable, Hashable {
    public var profiles: [MethodSCRIPTProfile]

    public init(profiles: [MethodSCRIPTProfile]) { self.profiles = profiles }

    /// Every model under `driversFolder/methodscript`, sorted by file name; any file with a
    /// mistake fails the whole load with every diagnostic (a bench should not run on half a catalog).
    public static func load(driversFolder: String) throws(DeviceProfileError) -> MethodSCRIPTCatalog {
        let folder = (driversFolder as NSString).appendingPathComponent(MethodSCRIPTProfileLoader.subfolder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DeviceProfileError(diagnostics: [TOMLDiagnostic(
                filename: folder, location: .start, severity: .error,
                message: "no MethodSCRIPT models: the folder cannot be read (expected drivers/methodscript/*.toml)")])
        }
        var profiles: [MethodSCRIPTProfile] = []
        var diagnostics: [TOMLDiagnostic] = []
        for name in names.sorted() where name.hasSuffix(".toml") {
            do { profiles.append(try MethodSCRIPTProfileLoader.load(contentsOf: URL(fileURLWithPath: folder + "/" + name))) } catch {
                diagnostics += error.diagnostics
            }
        }
        guard diagnostics.isEmpty else { throw DeviceProfileError(diagnostics: diagnostics) }
        return MethodSCRIPTCatalog(profiles: profiles)
    }

    /// The drivers folders looked in, first found wins: `$ECHEMD_DRIVERS`, the installed
    /// `/usr/share/echemd/drivers`, then `./drivers` (a source checkout).
    public static func standardFolder() -> String? {
        [ProcessInfo.processInfo.environment["ECHEMD_DRIVERS"], "/usr/share/echemd/drivers",
         FileManager.default.currentDirectoryPath + "/drivers"]
            .compactMap { $0 }
            .first { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent(MethodSCRIPTProfileLoader.subfolder)) }
    }

    /// The catalog of the standard drivers folder.
    public static func standard() throws(DeviceProfileError) -> MethodSCRIPTCatalog {
        guard let folder = standardFolder() else {
            throw DeviceProfileError(diagnostics: [TOMLDiagnostic(
                filename: "drivers/methodscript", location: .start, severity: .error,
                message: "no drivers/methodscript folder found (looked in $ECHEMD_DRIVERS, /usr/share/echemd/drivers and ./drivers)")])
        }
        return try load(driversFolder: folder)
    }

    /// The profile whose prefix starts a firmware version line (without the leading `t`).
    public func matching(firmware: String) -> MethodSCRIPTProfile? {
        profiles.first { firmware.hasPrefix($0.firmwarePrefix) }
    }

    /// By model, firmware prefix or name, case-insensitively (`nexus`, `nexus1`, `EmStat4 HR`).
    public func named(_ name: String) -> MethodSCRIPTProfile? {
        let n = name.lowercased()
        return profiles.first { $0.model == n || $0.firmwarePrefix == n || $0.name.lowercased() == n
            || $0.name.lowercased().replacingOccurrences(of: " ", with: "") == n }
    }

    /// Model names, for messages.
    public var models: [String] { profiles.map(\.model) }
}
