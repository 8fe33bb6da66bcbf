import ArgumentParser
import EchemCore
import EchemProtocol
import Foundation

/// `echemctl validate`: compile every protocol given (or found under a directory) and report.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check protocol files: print `ok FILE` for each valid one, located errors for the rest.",
        discussion: """
        Directories are searched recursively for *.yaml, *.yml and *.json (aurora-unicycler) files; \
        NAME.cell.yaml files are skipped there (give one explicitly to check it as a cell file). \
        A NAME.cell.yaml beside NAME.yaml is used as the cell unless --cell is given.

        A protocol with relative units (C/10, mA/g, mA/cm2) and no cell is still valid: a warning \
        names the metadata it will need. Diagnostics go to stderr as FILE:LINE:COL: error: WHAT. \
        Exit status: 0 all valid, 1 any invalid.

        Examples:
          echemctl validate protocols/
          echemctl validate protocols/zns-anode.yaml --cell cells/zns.cell.yaml
          echemctl validate run.json
        """
    )

    @Argument(help: ArgumentHelp("Protocol files or directories.", discussion: "Example: protocols/ or protocols/gitt.yaml"))
    var paths: [String]

    @Option(help: ArgumentHelp("A cell file to compile every protocol against, overriding each file's own cell.",
                               discussion: "Example: --cell cells/zns.cell.yaml"))
    var cell: String?

    @Flag(help: ArgumentHelp("Print only the errors; no `ok` lines and no warnings.",
                             discussion: "Example: echemctl validate --quiet protocols/"))
    var quiet = false

    func run() async throws {
        var override: CellMetadata? = nil
        var valid = 0
        var failed = false
        if let path = cell {
            let (loaded, diags) = ProtocolCompiler.loadCell(path: path)
            diags.forEach { ValidateOutput.stderr($0.description) }
            guard let loaded else { throw ExitCode(1) }
            override = loaded
        }
        let files = ValidateOutput.collect(paths) { missing in
            ValidateOutput.stderr("\(missing):1:1: error: no such file or directory")
            failed = true
        }
        for file in files {
            if ValidateOutput.isCellFile(file) {
                let (loaded, diags) = ProtocolCompiler.loadCell(path: file)
                report(diags)
                if loaded == nil { failed = true } else { valid += 1; if !quiet { print("ok \(file)") } }
                continue
            }
            var fileCell = override
            if fileCell == nil, let sibling = ProtocolCompiler.siblingCellPath(for: file) {
                let (loaded, diags) = ProtocolCompiler.loadCell(path: sibling)
                report(diags)
                if loaded == nil { failed = true; continue }
                fileCell = loaded
            }
            let result = ProtocolCompiler.compile(path: file, options: CompileOptions(cell: fileCell))
            report(result.diagnostics)
            if result.hasErrors { failed = true } else { valid += 1; if !quiet { print("ok \(file)") } }
        }
        if !files.isEmpty {
            // One line even with --quiet, so a person sees the check ran.
            print("\(valid) of \(files.count) file\(files.count == 1 ? "" : "s") valid")
        }
        if files.isEmpty, !failed {
            ValidateOutput.stderr("error: no protocol files found in \(paths.joined(separator: " "))")
            throw ExitCode(1)
        }
        if failed { throw ExitCode(1) }
    }

    private func report(_ diags: [Diagnostic]) {
        for d in diags where !(quiet && d.severity == .warning) { ValidateOutput.stderr(d.description) }
    }
}

/// File discovery and stderr for `validate` and `explain`.
enum ValidateOutput {
    static let extensions = ["yaml", "yml", "json"]

    static func isCellFile(_ path: String) -> Bool { path.hasSuffix(".cell.yaml") || path.hasSuffix(".cell.yml") }

    /// Files as given, and every protocol under each directory (sorted, cell files skipped).
    static func collect(_ paths: [String], missing: (String) -> Void) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { missing(p); continue }
            guard isDir.boolValue else { out.append(p); continue }
            var found: [String] = []
            if let e = fm.enumerator(atPath: p) {
                while let rel = e.nextObject() as? String {
                    let ext = (rel as NSString).pathExtension.lowercased()
                    guard extensions.contains(ext), !isCellFile(rel) else { continue }
                    let full = (p as NSString).appendingPathComponent(rel)
                    var sub: ObjCBool = false
                    if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
                }
            }
            out.append(contentsOf: found.sorted())
        }
        return out
    }

    static func stderr(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
