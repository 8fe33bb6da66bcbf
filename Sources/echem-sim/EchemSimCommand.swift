import ArgumentParser

/// `echem-sim`: instruments in software that speak the real wire protocols, with echemd's cell
/// model at their terminals, for running echemd (or any other client) without hardware.
@main
struct EchemSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echem-sim",
        abstract: "Simulated instruments that speak real wire protocols, backed by echemd's cell model.",
        subcommands: [ModbusCommand.self, NewareCommand.self, MethodSCRIPTCommand.self, PairCommand.self])
}
