import Foundation

/// Where tests find the repository (protocols, drivers) and the built executables.
public enum TestPaths {
    /// The repository root, from this source file (through symlinks, so a private package that
    /// links the test folders still finds it).
    public static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()   // EchemTestSupport
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    /// A built executable beside the test bundle (`swift build --build-tests` builds them all).
    public static func builtExecutable(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }
}
