import ArgumentParser
import AugurServer
import AugurService

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a configuration file and its models without serving.")

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(help: "Model store folder (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?

    func run() async throws {
        let file = ConfigLocation.resolve(config)
        let service = try await ConfigLocation.loadService(file, store: store)
        print("\(file): OK, \(service.routes.count) route\(service.routes.count == 1 ? "" : "s")")
        for route in service.routes {
            print("  /\(route.name): model \(route.modelName) \(route.modelVersion), \(route.parameters.count) parameters")
        }
        for (name, path, what) in ProtocolSummary(service).lines { print("  \(name) \(path): \(what)") }
    }
}
