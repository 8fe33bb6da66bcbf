import EchemTOML
import Foundation

/// Loads `drivers/*.toml` into `DeviceProfile`s. Every mistake is reported as a located
/// diagnostic (`FILE:LINE:COL: error: … (expected …)`), all of them in one pass, like protocol
/// and config files.
public enum DeviceProfileLoader {
    /// Reads a profile, reporting problems to `collector` (shared across files if you like).
    /// Returns nil if this file had any error; warnings alone still give a profile.
    public static func read(text: String, filename: String,
                            collector: TOMLDiagnosticCollector = TOMLDiagnosticCollector()) -> DeviceProfile? {
        let errorsBefore = collector.errors.count
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text, filename: filename)
        } catch {
            collector.report(error.diagnostic)
            return nil
        }
        var reader = ProfileReader(root: TOMLReader(table, filename: filename, collector: collector))
        let profile = reader.readProfile()
        return collector.errors.count == errorsBefore ? profile : nil
    }

    /// A profile, or every diagnostic of the file as the error.
    public static func load(text: String, filename: String) throws(DeviceProfileError) -> DeviceProfile {
        let collector = TOMLDiagnosticCollector()
        guard let profile = read(text: text, filename: filename, collector: collector) else {
            throw DeviceProfileError(diagnostics: collector.diagnostics)
        }
        return profile
    }

    public static func load(contentsOf url: URL) throws(DeviceProfileError) -> DeviceProfile {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DeviceProfileError(diagnostics: [TOMLDiagnostic(
                filename: url.path, location: .start, severity: .error,
                message: "cannot read the profile: \(error.localizedDescription)")])
        }
        return try load(text: text, filename: url.path)
    }

    /// Every `*.toml` in `directory` (e.g. `drivers/`), sorted by file name; files with errors
    /// are left out and their diagnostics returned.
    public static func loadAll(in directory: URL) -> (profiles: [DeviceProfile], diagnostics: [TOMLDiagnostic]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var profiles: [DeviceProfile] = []
        var diagnostics: [TOMLDiagnostic] = []
        for name in names.sorted() where name.hasSuffix(".toml") {
            do {
                profiles.append(try load(contentsOf: directory.appendingPathComponent(name)))
            } catch {
                diagnostics += error.diagnostics
            }
        }
        return (profiles, diagnostics)
    }
}

/// A profile that did not load: its diagnostics, printed one per line.
public struct DeviceProfileError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [TOMLDiagnostic]

    public init(diagnostics: [TOMLDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
