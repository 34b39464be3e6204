import ArgumentParser
import AugurServer
import AugurService
import Foundation
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the routes of a configuration file.",
        discussion: "Flags override the file; the file's `server:` section overrides the defaults (127.0.0.1:8000).")

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(name: .customShort("p"), help: "Configuration file (as kedro-fast-api's -p).") var path: String?
    @Option(help: "Address to bind (0.0.0.0 to listen on every interface, e.g. in a container).") var host: String?
    @Option(help: "Port to bind.") var port: Int?
    @Option(help: "Folder with swagger-ui.css and swagger-ui-bundle.js to serve /docs offline.") var docsAssets: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("The value '\(port)' is invalid for '--port'. Please provide a number from 0 to 65535.")
        }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("The value '\(logLevel)' is invalid for '--log-level'. Please provide one of \(Logger.Level.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")).")
        }
        if config != nil && path != nil { throw ValidationError("Give the configuration either as an argument or with -p, not both.") }
    }

    func run() async throws {
        let file = ConfigLocation.resolve(path ?? config)
        let started = ContinuousClock.now
        let service = try ConfigLocation.loadService(file) { configuration in
            configuration.host = host ?? configuration.host
            configuration.port = port ?? configuration.port
        }
        let c = service.configuration
        var logger = Logger(label: "augur")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = AugurServer(service: service, settings: ServerSettings(host: c.host, port: c.port, docsAssets: docsAssets))
        try await server.run(logger: logger) {
            let ms = (ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000
            let base = "http://\(c.host.contains(":") ? "[\(c.host)]" : c.host):\(c.port)"
            var lines = ["Augur is serving '\(c.title)' at \(base) (ready in \(ms) ms)", "  docs:    \(base)/docs", "  openapi: \(base)/openapi.json"]
            lines += service.routes.map { "  route:   \(base)/\($0.name)  (model \($0.modelName) \($0.modelVersion))" }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
