import ArgumentParser

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(not yet implemented)")
    func run() async throws { throw ExitCode(2) }
}
