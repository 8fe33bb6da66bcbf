import ArgumentParser

/// `echemctl`: the command-line client. Each subcommand is a type in its own file.
@main
struct EchemCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echemctl",
        abstract: "Validate, explain and simulate echemd protocols; talk to the echemd daemon; export and summarise runs.",
        subcommands: [Validate.self, Explain.self, Simulate.self, Summary.self, GITT.self, Analyze.self, Export.self,
                      Import.self, Submit.self, QueueList.self, Status.self, Watch.self, Cancel.self, Pause.self, Resume.self,
                      Stop.self, Goto.self]
    )
}
