import EchemDrivers
import Foundation

/// The models shipped in `drivers/methodscript/*.toml`, loaded as an installation loads them.
enum ShippedModels {
    static let driversFolder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("drivers").path

    static let catalog: MethodSCRIPTCatalog = {
        do { return try MethodSCRIPTCatalog.load(driversFolder: driversFolder) } catch {
            fatalError("the shipped MethodSCRIPT models do not load:\n\(error)")
        }
    }()

    static var all: [MethodSCRIPTProfile] { catalog.profiles }

    static func model(_ name: String) -> MethodSCRIPTProfile {
        guard let p = catalog.named(name) else { fatalError("no shipped MethodSCRIPT model \(name)") }
        return p
    }
}

extension MethodSCRIPTProfile {
    static var nexus: MethodSCRIPTProfile { ShippedModels.model("nexus") }
    static var emStat4HR: MethodSCRIPTProfile { ShippedModels.model("emstat4-hr") }
    static var emStat4LR: MethodSCRIPTProfile { ShippedModels.model("emstat4-lr") }
    static var emStatPico: MethodSCRIPTProfile { ShippedModels.model("emstat-pico") }
}
