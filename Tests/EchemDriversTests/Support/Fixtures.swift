import Foundation

/// Paths to the repository's shipped files, found from this source file (through symlinks, so a
/// private package that links the test folder still finds them).
enum Fixtures {
    static let repository: URL = {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()   // Support
            .deletingLastPathComponent()   // EchemDriversTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()
    }()

    static let driversDirectory = repository.appendingPathComponent("drivers")

    static func profileText(_ name: String) throws -> String {
        try String(contentsOf: driversDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    /// 1-based line of the first line containing `marker`.
    static func line(of marker: String, in text: String) -> Int? {
        text.components(separatedBy: "\n").firstIndex { $0.contains(marker) }.map { $0 + 1 }
    }
}
