import ArgumentParser
import AugurServer
import AugurService

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a configuration file and its models without serving.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(help: "Model store folder (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?
    @Option(help: "text, or json: one object with every error's file, line, key, code and message (for editors and CI).")
    var format: Format = .text

    func run() async throws {
        let file = ConfigLocation.resolve(config)
        guard format == .json else {
            let service = try await ConfigLocation.loadService(file, store: store)
            print("\(file): OK, \(service.routes.count) route\(service.routes.count == 1 ? "" : "s")")
            for route in service.routes {
                print("  /\(route.name): model \(route.modelName) \(route.modelVersion), \(route.parameters.count) parameters")
            }
            for (name, path, what) in ProtocolSummary(service).lines { print("  \(name) \(path): \(what)") }
            return
        }
        var report = JSONObject([("config", .string(file))])
        do {
            let service = try await ConfigLocation.service(file, store: store)
            report.append("ok", .bool(true))
            report.append("routes", .array(service.routes.map { route in
                .object(JSONObject([("route", .string(route.name)), ("model", .string(route.modelName)),
                                    ("version", .string(route.modelVersion)), ("parameters", .integer(route.parameters.count))]))
            }))
            print(JSONValue.object(report).serializedString)
        } catch let errors as ConfigErrors {
            report.append("ok", .bool(false))
            report.append("errors", .array(errors.errors.map { error in
                .object(JSONObject([("file", .string(error.file)), ("line", error.line.map(JSONValue.integer) ?? .null),
                                    ("key", .string(error.keyPath)), ("code", .string(error.code.rawValue)),
                                    ("message", .string(error.message))]))
            }))
            print(JSONValue.object(report).serializedString)
            throw ExitCode(1)
        }
    }
}
