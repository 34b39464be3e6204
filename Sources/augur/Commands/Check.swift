import ArgumentParser
import AugurService

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a configuration file and its models without serving.")

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?

    func run() throws {
        let file = ConfigLocation.resolve(config)
        let service = try ConfigLocation.loadService(file)
        print("\(file): OK, \(service.routes.count) route\(service.routes.count == 1 ? "" : "s")")
        for route in service.routes {
            print("  /\(route.name): model \(route.modelName) \(route.modelVersion), \(route.parameters.count) parameters")
        }
    }
}
