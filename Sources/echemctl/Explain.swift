import ArgumentParser
import EchemCore
import EchemProtocol
import Foundation

/// `echemctl explain`: the compiled program as the engine will run it, with an estimated duration.
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a compiled protocol: cell and resolutions, steps with SI values, loops, events, limits, estimated duration.",
        discussion: """
        Relative units (C/10, 140 mA/g, 1 mA/cm2) are resolved against the cell: --cell, else a \
        NAME.cell.yaml beside the file, else the file's own cell: header. The duration estimate \
        uses the cell's 1C capacity for constant-current steps that end on a voltage cut-off.

        Examples:
          echemctl explain protocols/zns-anode.yaml
          echemctl explain protocols/li-s-rate.yaml --cell cells/li-s.cell.yaml
          echemctl explain run.json --json | jq '.program.instructions | length'
        """
    )

    @Argument(help: ArgumentHelp("The protocol file (.yaml, .yml, or aurora-unicycler .json).",
                                 discussion: "Example: protocols/gitt.yaml"))
    var file: String

    @Option(help: ArgumentHelp("A cell file to compile against, overriding the protocol's own cell.",
                               discussion: "Example: --cell cells/zns.cell.yaml"))
    var cell: String?

    @Option(name: .customLong("loop-cap"),
            help: ArgumentHelp("Cap every loop count, repeat max_passes and event cycle number (as in CI runs).",
                               discussion: "Example: --loop-cap 2"))
    var loopCap: Int?

    @Flag(help: ArgumentHelp("Print JSON instead: {program, estimate, diagnostics} with every value in SI units.",
                             discussion: "Example: echemctl explain run.json --json"))
    var json = false

    func run() async throws {
        var cellMeta: CellMetadata? = nil
        if let path = cell ?? ProtocolCompiler.siblingCellPath(for: file) {
            let (loaded, diags) = ProtocolCompiler.loadCell(path: path)
            diags.forEach { ValidateOutput.stderr($0.description) }
            guard let loaded else { throw ExitCode(1) }
            cellMeta = loaded
        }
        let result = ProtocolCompiler.compile(path: file, options: CompileOptions(cell: cellMeta, loopCountCap: loopCap))
        result.diagnostics.forEach { ValidateOutput.stderr($0.description) }
        guard let program = result.program else {
            if result.needsCell {
                ValidateOutput.stderr("\(file): relative units need a cell: add a cell: header, a \(stem(file)).cell.yaml beside it, or --cell CELL.yaml")
            }
            throw ExitCode(1)
        }
        if json {
            let payload = ExplainJSON(program: program, estimate: DurationEstimate.estimate(program),
                                      diagnostics: result.diagnostics.map(\.description))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(payload)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ProgramExplanation.render(program, description: result.protocolDescription), terminator: "")
        }
    }

    private func stem(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
}

/// `explain --json`: the program as the engine receives it, plus the estimate.
struct ExplainJSON: Encodable {
    var program: StepProgram
    var estimate: DurationEstimate
    var diagnostics: [String]
}
