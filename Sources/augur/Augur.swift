import ArgumentParser

@main
struct Augur: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augur",
        abstract: "Serve ONNX models as prediction APIs.",
        subcommands: [Init.self, Serve.self, Check.self, Inspect.self, Predict.self, Models.self, Drift.self, Lambda.self, Build.self, LoadTestCommand.self])
}
