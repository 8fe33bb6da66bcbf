import EchemCore
import EchemPlatform
import EchemProtocol
import EchemStore
import Foundation

/// The queue folder: files dropped in `incoming/` are validated and moved to `accepted/` (a job
/// is created) or to `rejected/` beside `NAME.error` with the located errors. Nothing dropped is
/// ever deleted: every file ends in one of the two folders.
///
/// Crash safety: a file is moved into `accepted/` before its job is stored, and at start every
/// file in `accepted/` that no job refers to is processed again, so a crash between the two
/// steps neither loses the file nor queues it twice.
public struct SpoolFolder: Sendable {
    public let paths: DaemonPaths
    public let intake: JobIntake
    let submit: @Sendable (JobRecord, [String]) async throws -> JobRecord
    let log: @Sendable (String) -> Void

    public static let protocolExtensions = ["yaml", "yml", "json"]

    public init(paths: DaemonPaths, intake: JobIntake, log: @escaping @Sendable (String) -> Void,
                submit: @escaping @Sendable (JobRecord, [String]) async throws -> JobRecord) {
        self.paths = paths
        self.intake = intake
        self.submit = submit
        self.log = log
    }

    /// Names editors and copy tools use for files still being written: the watcher's own rule
    /// (applied again to files found by the scan at start), plus `.partial` downloads.
    public static func isTemporary(_ name: String) -> Bool {
        SpoolFileName.isIgnored(name) || name.hasSuffix(".partial")
    }

    /// A `NAME.cell.yaml` waits in `incoming/` for its protocol, which takes it along.
    public static func isCellCompanion(_ name: String) -> Bool {
        name.hasSuffix(".cell.yaml") || name.hasSuffix(".cell.yml")
    }

    public enum Verdict: Sendable, Equatable {
        case accepted(job: UUID, archived: String)
        case rejected(archived: String, errorFile: String)
        case skipped(String)
    }

    /// Processes one file name in `incoming/`.
    @discardableResult
    public func claim(_ name: String) async -> Verdict {
        if SpoolFolder.isTemporary(name) { return .skipped("temporary file") }
        if SpoolFolder.isCellCompanion(name) { return .skipped("cell file: waits for its protocol") }
        let path = paths.incoming + "/" + name
        // lstat, not stat: a symlink dropped into the queue is never followed to a file elsewhere.
        var st = stat()
        guard lstat(path, &st) == 0 else { return .skipped("gone (already claimed)") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            if (st.st_mode & S_IFMT) == S_IFLNK {
                return reject(path, cellPath: nil, lines: ["\(name):1:1: error: a symbolic link (expected the protocol file itself; copy it instead of linking)"])
            }
            return .skipped("not a regular file")
        }
        let ext = (name as NSString).pathExtension.lowercased()
        let cellPath = companion(of: path)
        guard SpoolFolder.protocolExtensions.contains(ext) else {
            return reject(path, cellPath: cellPath, lines: [
                "\(name):1:1: error: not a protocol file (expected a .yaml or .yml protocol, or an aurora-unicycler .json)"])
        }
        return await process(path: path, cellPath: cellPath, archive: true)
    }

    /// Files dropped while the daemon was down, and accepted files whose job was never stored.
    public func reconcile(knownSources: Set<String>) async {
        let accepted = (try? FileManager.default.contentsOfDirectory(atPath: paths.accepted)) ?? []
        for name in accepted.sorted() where !name.hasSuffix(".warnings") && !SpoolFolder.isCellCompanion(name) {
            let path = paths.accepted + "/" + name
            guard !knownSources.contains(path) else { continue }
            log("queue: \(name) was accepted but has no job (the daemon stopped in between); queueing it now")
            _ = await process(path: path, cellPath: companion(of: path), archive: false)
        }
        let incoming = (try? FileManager.default.contentsOfDirectory(atPath: paths.incoming)) ?? []
        for name in incoming.sorted() { await claim(name) }
    }

    private func companion(of path: String) -> String? {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let dir = (path as NSString).deletingLastPathComponent
        return ["cell.yaml", "cell.yml"].map { "\(dir)/\(stem).\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    private func process(path: String, cellPath: String?, archive: Bool) async -> Verdict {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            return reject(path, cellPath: cellPath, lines: ["\(name):1:1: error: cannot read the file"])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return reject(path, cellPath: cellPath, lines: ["\(name):1:1: error: the file is not UTF-8 text (expected a YAML or JSON protocol)"])
        }
        var cell: CellMetadata?
        if let cellPath {
            let cellName = (cellPath as NSString).lastPathComponent
            let (c, diags) = ProtocolCompiler.loadCell(text: (try? String(contentsOfFile: cellPath, encoding: .utf8)) ?? "",
                                                       filename: cellName)
            if diags.contains(where: { $0.severity == .error }) {
                return reject(path, cellPath: cellPath, lines: diags.map(\.description))
            }
            cell = c
        }
        let outcome = intake.prepare(JobIntake.Submission(text: text, filename: name, cell: cell, source: "spool"))
        guard var job = outcome.job else { return reject(path, cellPath: cellPath, lines: outcome.diagnostics) }

        let archived = archive ? move(path, into: paths.accepted) : path
        if let cellPath, archive { _ = move(cellPath, into: paths.accepted, beside: archived) }
        if !outcome.diagnostics.isEmpty {
            try? (outcome.diagnostics.joined(separator: "\n") + "\n").write(toFile: archived + ".warnings", atomically: true, encoding: .utf8)
        }
        job.source = archived
        do {
            let stored = try await submit(job, outcome.eligibleChannels)
            log("queue: accepted \(name) as job \(stored.id.uuidString.lowercased().prefix(8)) (\(stored.state.rawValue): \(stored.reason))")
            return .accepted(job: stored.id, archived: archived)
        } catch {
            // The store refused: the file stays in accepted/ and is retried at the next start.
            log("queue: \(name) accepted but not stored (\(error)); it will be retried at the next start")
            return .skipped("store error: \(error)")
        }
    }

    private func reject(_ path: String, cellPath: String?, lines: [String]) -> Verdict {
        let name = (path as NSString).lastPathComponent
        let archived = move(path, into: paths.rejected)
        if let cellPath { _ = move(cellPath, into: paths.rejected, beside: archived) }
        let errorFile = archived + ".error"
        let body = "# \(name) was rejected by echemd at \(ISO8601DateFormatter().string(from: Date())).\n"
            + "# Fix the errors below and drop the file into queue/incoming/ again.\n"
            + lines.joined(separator: "\n") + "\n"
        try? body.write(toFile: errorFile, atomically: true, encoding: .utf8)
        log("queue: rejected \(name): \(lines.first ?? "")\(lines.count > 1 ? " (+\(lines.count - 1) more)" : "")")
        return .rejected(archived: archived, errorFile: errorFile)
    }

    /// Renames into `folder`, never overwriting: `NAME.yaml`, then `NAME-2.yaml`, `NAME-3.yaml`…
    /// A companion keeps its protocol's stem (`beside`).
    private func move(_ path: String, into folder: String, beside: String? = nil) -> String {
        let name = (path as NSString).lastPathComponent
        var target: String
        if let beside {
            let stem = ((beside as NSString).lastPathComponent as NSString).deletingPathExtension
            let suffix = name.hasSuffix(".cell.yml") ? "cell.yml" : "cell.yaml"
            target = "\(folder)/\(stem).\(suffix)"
        } else {
            target = "\(folder)/\(name)"
            let stem = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
            var n = 2
            while FileManager.default.fileExists(atPath: target) {
                target = "\(folder)/\(stem)-\(n)" + (ext.isEmpty ? "" : ".\(ext)")
                n += 1
            }
        }
        if rename(path, target) != 0 {
            // Another filesystem: copy then remove, so the file is never only half in one place.
            if (try? FileManager.default.copyItem(atPath: path, toPath: target)) != nil {
                try? FileManager.default.removeItem(atPath: path)
            } else {
                return path
            }
        }
        return target
    }
}
