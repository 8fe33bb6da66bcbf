import EchemDrivers
import EchemWireSim
import Foundation

/// The repository's shipped profiles, found from this source file (through symlinks, so a
/// private package that links the test folder still finds them).
enum Fixtures {
    static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // EchemWireSimTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    static func profileURL(_ name: String) -> URL {
        repository.appendingPathComponent("drivers").appendingPathComponent(name)
    }

    static func profile(_ name: String) throws -> DeviceProfile {
        try DeviceProfileLoader.load(contentsOf: profileURL(name))
    }

    /// A shipped profile with its text edited first (e.g. a status bit added).
    static func profile(_ name: String, replacing old: String, with new: String) throws -> DeviceProfile {
        let text = try String(contentsOf: profileURL(name), encoding: .utf8)
        precondition(text.contains(old), "\(name) no longer contains \(old)")
        return try DeviceProfileLoader.load(text: text.replacingOccurrences(of: old, with: new), filename: name)
    }

    static var ea: DeviceProfile { get throws { try profile("ea-psb-10000.toml") } }
    static var maynuo: DeviceProfile { get throws { try profile("maynuo-m97.toml") } }

    /// A bench-top EA rating that resolves a 1 mAh coin cell: 10 V and 10 mA full scale, so one
    /// count is 0.19 mV and 0.19 µA.
    static let coinCellRating = DeviceRatings(voltage: 10, current: 0.01)
}
