import ArgumentParser

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(not yet implemented)")
    func run() async throws { throw ExitCode(2) }
}
