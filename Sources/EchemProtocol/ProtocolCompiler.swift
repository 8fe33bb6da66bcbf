import EchemCore
import Foundation
import Yams

/// The protocol compiler: a YAML protocol (format 1) or an aurora-unicycler `.json` into a
/// validated `StepProgram`, with every problem reported as a located diagnostic in one pass.
public enum ProtocolCompiler {
    /// Compile a file. `.json` goes through the aurora-unicycler importer; anything else is YAML.
    public static func compile(path: String, options: CompileOptions = .init()) -> CompileResult {
        switch readBytes(path) {
        case .failure(let d): return CompileResult(program: nil, diagnostics: [d], needsCell: false)
        case .success(let bytes): return compile(bytes: bytes, filename: path, options: options)
        }
    }

    /// Raw bytes as read from a file: size, UTF-8 and binary junk are checked before YAML.
    static func compile(bytes: [UInt8], filename: String, options: CompileOptions = .init()) -> CompileResult {
        switch InputGuard.decode(bytes, file: filename) {
        case .failure(let d): return CompileResult(program: nil, diagnostics: [d], needsCell: false)
        case .success(let text): return compile(text: text, filename: filename, options: options)
        }
    }

    /// Compile text; `filename` names it in diagnostics and decides the format (`.json` → unicycler).
    public static func compile(text: String, filename: String, options: CompileOptions = .init()) -> CompileResult {
        if text.utf8.count > InputGuard.maxBytes {
            return CompileResult(program: nil, diagnostics: [.error(SourceLocation(file: filename, line: 1, column: 1),
                "text is \(text.utf8.count) bytes, more than the 4 MB limit", expected: "a protocol file under 4 MB")],
                needsCell: false)
        }
        let r = NodeReader(file: filename)
        let root: Node
        switch YAMLSource.compose(text, file: filename) {
        case .failure(let d): return CompileResult(program: nil, diagnostics: [d], needsCell: false)
        case .success(nil):
            return CompileResult(program: nil, diagnostics: [.error(SourceLocation(file: filename, line: 1, column: 1),
                "the file is empty", expected: "a protocol starting with 'echemd: 1'")], needsCell: false)
        case .success(let node?): root = node
        }
        let isJSON = filename.lowercased().hasSuffix(".json")
        guard let doc = isJSON ? UnicyclerImporter.read(root, r) : ProtocolReader.read(root, r) else {
            return CompileResult(program: nil, diagnostics: sorted(r.diagnostics), needsCell: false, cell: options.cell)
        }
        let cell = options.cell ?? doc.cell?.metadata
        let derivations = options.cell == nil ? (doc.cell?.derivations ?? []) : []
        var lowering = Lowering(r, cell: cell, options: options)
        let program = lowering.lower(doc, source: filename, cellDerivations: derivations)
        return CompileResult(program: program, diagnostics: sorted(r.diagnostics),
                             needsCell: !lowering.missingCell.isEmpty, cell: cell, protocolDescription: doc.description,
                             job: doc.job)
    }

    /// Read a `NAME.cell.yaml`: the `cell:` map's keys at top level (a file with a single
    /// `cell:` key is accepted too).
    public static func loadCell(path: String) -> (CellMetadata?, [Diagnostic]) {
        let bytes: [UInt8]
        switch readBytes(path) {
        case .failure(let d): return (nil, [d])
        case .success(let b): bytes = b
        }
        let text: String
        switch InputGuard.decode(bytes, file: path) {
        case .failure(let d): return (nil, [d])
        case .success(let t): text = t
        }
        return loadCell(text: text, filename: path)
    }

    /// `loadCell(path:)` on text already read.
    public static func loadCell(text: String, filename: String) -> (CellMetadata?, [Diagnostic]) {
        let r = NodeReader(file: filename)
        switch YAMLSource.compose(text, file: filename) {
        case .failure(let d): return (nil, [d])
        case .success(nil):
            return (nil, [.error(SourceLocation(file: filename, line: 1, column: 1), "the cell file is empty",
                                 expected: "cell keys such as area, masses, nominal_capacity")])
        case .success(var node?):
            if case .mapping(let m) = node, m.count == 1, m.first?.key.scalar?.string == "cell" { node = m.first!.value }
            let stem = URL(fileURLWithPath: filename).lastPathComponent
                .replacingOccurrences(of: ".cell.yaml", with: "").replacingOccurrences(of: ".cell.yml", with: "")
            let cell = CellReader.read(node, defaultName: stem, r)
            let diags = sorted(r.diagnostics)
            return (diags.contains { $0.severity == .error } ? nil : cell?.metadata, diags)
        }
    }

    /// `NAME.cell.yaml` beside `NAME.yaml` (or `.yml`/`.json`), if it exists: the job's default cell.
    public static func siblingCellPath(for protocolPath: String) -> String? {
        let url = URL(fileURLWithPath: protocolPath)
        let stem = url.deletingPathExtension().lastPathComponent
        for ext in ["cell.yaml", "cell.yml"] {
            let candidate = url.deletingLastPathComponent().appendingPathComponent("\(stem).\(ext)").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func readBytes(_ path: String) -> Result<[UInt8], Diagnostic> {
        let at = SourceLocation(file: path, line: 1, column: 1)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path) else {
            return .failure(.error(at, "cannot read the file", expected: "an existing, readable file"))
        }
        if let size = attrs[.size] as? NSNumber, size.intValue > InputGuard.maxBytes {
            return .failure(.error(at, "file is \(size.intValue) bytes, more than the 4 MB limit", expected: "a protocol file under 4 MB"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.error(at, "cannot read the file", expected: "an existing, readable file"))
        }
        return .success([UInt8](data))
    }

    /// Diagnostics in file order, errors before warnings at the same place.
    static func sorted(_ d: [Diagnostic]) -> [Diagnostic] {
        d.enumerated().sorted {
            let a = $0.element.location, b = $1.element.location
            return (a.line, a.column, $0.offset) < (b.line, b.column, $1.offset)
        }.map(\.element)
    }
}
