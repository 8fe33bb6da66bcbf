import ArgumentParser
import EchemCore
import EchemProtocol
import Foundation

/// `--cell FILE`: the cell a simulated instrument has at its terminals, read from a cell file or
/// from a protocol's `cell:` map, so the simulator and the daemon's own simulated channel can be
/// given the very same cell.
enum CellFile {
    static func load(_ path: String) throws -> CellMetadata {
        let compiled = ProtocolCompiler.compile(path: path)
        if let cell = compiled.program?.cell { return cell }
        let (cell, diagnostics) = ProtocolCompiler.loadCell(path: path)
        if let cell, !diagnostics.contains(where: { $0.severity == .error }) { return cell }
        let why = diagnostics.map(\.description).joined(separator: "\n")
        throw ValidationError("--cell \(path): neither a protocol with a cell: nor a cell file\n\(why)")
    }
}
