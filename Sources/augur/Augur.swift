import ArgumentParser

@main
struct Augur: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augur",
        abstract: "Serve ONNX models as prediction APIs.",
        subcommands: [Inspect.self, Predict.self])
}
