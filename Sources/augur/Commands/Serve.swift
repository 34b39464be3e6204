import ArgumentParser
import AugurGRPC
import AugurServer
import AugurService
import Foundation
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the routes of a configuration file.",
        discussion: "Flags override the file; the file's `server:` section overrides the defaults (127.0.0.1:8000).")

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(help: "The folder holding augur.yaml and its models, as KServe's storage initializer fills /mnt/models (same as the argument).")
    var modelDir: String?
    @Option(name: .customShort("p"), help: "Configuration file (as kedro-fast-api's -p).") var path: String?
    @Option(help: "Address to bind (0.0.0.0 to listen on every interface, e.g. in a container).") var host: String?
    @Option(help: "Port to bind.") var port: Int?
    @Option(help: "Folder with swagger-ui.css and swagger-ui-bundle.js to serve /docs offline.") var docsAssets: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"
    @Option(help: "Model store folder (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?
    @Option(help: "Seconds between checks for new model versions behind latest, an alias or a changed file (0: off; default: server.reload_interval, else 30).")
    var reloadInterval: Double?
    @Flag(help: "Enable POST /admin/reload, authorised by the bearer token in $AUGUR_ADMIN_TOKEN.") var admin = false
    @Option(help: "Serve the Open Inference Protocol over gRPC on this port too (default: server.grpc_port, else off).")
    var grpcPort: Int?
    @Option(help: "PEM certificate (chain) to serve HTTPS with; needs --tls-key (default: server.tls, else plain HTTP).")
    var tlsCertificate: String?
    @Option(help: "PEM private key of --tls-certificate.") var tlsKey: String?
    @Option(help: "Most connections open at once; more are answered 503 (default: server.max_connections, else 1024).")
    var maxConnections: Int?
    @Flag(inversion: .prefixedNo, help: "Serve Prometheus metrics at /metrics (default: server.metrics, else on).") var metrics: Bool?
    @Option(help: "Serve /metrics on this port alone, without API keys, instead of the API's port (default: server.metrics_port, else the API's).")
    var metricsPort: Int?
    @Flag(inversion: .prefixedNo, help: "Serve the end-user forms at /ui (default: server.ui, else on).") var ui: Bool?
    @Option(help: "Log lines as text or json, one JSON object per line (default: server.log_format, else text).")
    var logFormat: String?
    @Option(help: "Export spans over OTLP/HTTP to this OpenTelemetry collector, e.g. http://127.0.0.1:4318 (default: server.otlp_endpoint, else off).")
    var otlpEndpoint: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("The value '\(port)' is invalid for '--port'. Please provide a number from 0 to 65535.")
        }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("The value '\(logLevel)' is invalid for '--log-level'. Please provide one of \(Logger.Level.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")).")
        }
        if let logFormat, LogFormat(rawValue: logFormat) == nil {
            throw ValidationError("The value '\(logFormat)' is invalid for '--log-format'. Please provide 'text' or 'json'.")
        }
        if let otlpEndpoint, ServiceConfiguration.otlpEndpoint(otlpEndpoint) == nil {
            throw ValidationError("The value '\(otlpEndpoint)' is invalid for '--otlp-endpoint'. Please provide http://HOST:PORT or https://HOST:PORT.")
        }
        if let metricsPort, !(1...65535).contains(metricsPort) {
            throw ValidationError("The value '\(metricsPort)' is invalid for '--metrics-port'. Please provide a number from 1 to 65535.")
        }
        if let grpcPort, !(1...65535).contains(grpcPort) {
            throw ValidationError("The value '\(grpcPort)' is invalid for '--grpc-port'. Please provide a number from 1 to 65535.")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("Give --tls-certificate and --tls-key together.") }
        if let maxConnections, !(1...1_000_000).contains(maxConnections) {
            throw ValidationError("The value '\(maxConnections)' is invalid for '--max-connections'. Please provide a number from 1 to 1000000.")
        }
        if [config, path, modelDir].compactMap({ $0 }).count > 1 {
            throw ValidationError("Give the configuration once: as an argument, with -p or with --model-dir.")
        }
        if let reloadInterval, !(0...86_400).contains(reloadInterval) {
            throw ValidationError("The value '\(reloadInterval)' is invalid for '--reload-interval'. Please provide seconds from 0 to 86400.")
        }
        if admin, (ProcessInfo.processInfo.environment["AUGUR_ADMIN_TOKEN"] ?? "").count < ServiceDefaults.minimumAPIKeyLength {
            throw ValidationError("--admin needs a token of at least \(ServiceDefaults.minimumAPIKeyLength) characters in the AUGUR_ADMIN_TOKEN environment variable.")
        }
    }

    func run() async throws {
        let file = ConfigLocation.resolve(path ?? modelDir ?? config)
        let started = ContinuousClock.now
        let service = try await ConfigLocation.loadService(file, store: store) { configuration in
            configuration.host = host ?? configuration.host
            configuration.port = port ?? configuration.port
            configuration.grpcPort = grpcPort ?? configuration.grpcPort
            configuration.reloadInterval = reloadInterval ?? configuration.reloadInterval
            configuration.connections.maxConnections = maxConnections ?? configuration.connections.maxConnections
            configuration.metrics = metrics ?? configuration.metrics
            configuration.metricsPort = metricsPort ?? configuration.metricsPort
            configuration.ui = ui ?? configuration.ui
            configuration.logFormat = logFormat.flatMap(LogFormat.init(rawValue:)) ?? configuration.logFormat
            configuration.otlpEndpoint = otlpEndpoint.flatMap(ServiceConfiguration.otlpEndpoint) ?? configuration.otlpEndpoint
            if let tlsCertificate, let tlsKey { configuration.connections.tls = TLSFiles(certificate: tlsCertificate, key: tlsKey) }
        }
        let c = service.configuration
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: c.logFormat) }
        var logger = Logger(label: "augur")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let token = admin ? ProcessInfo.processInfo.environment["AUGUR_ADMIN_TOKEN"] : nil
        let server = AugurServer(service: service, settings: ServerSettings(host: c.host, port: c.port, docsAssets: docsAssets, adminToken: token))
        let grpc = c.grpcPort.map { GRPCInferenceServer(registry: server.registry, host: c.host, port: $0, apiKeys: c.apiKeys, tls: c.connections.tls, logger: logger,
                                                       countRows: server.v2RowCounter) }
        do {
            try await server.run(logger: logger, services: grpc.map { [$0] } ?? []) {
                let ms = (ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000
                let base = "\(c.connections.tls == nil ? "http" : "https")://\(c.host.contains(":") ? "[\(c.host)]" : c.host):\(c.port)"
                var lines = ["Augur is serving '\(c.title)' at \(base) (ready in \(ms) ms)", "  docs:    \(base)/docs", "  openapi: \(base)/openapi.json"]
                if c.ui { lines.append("  forms:   \(base)/ui") }
                if c.metrics {
                    lines.append("  metrics: \(c.metricsPort.map { "http://\(c.host.contains(":") ? "[\(c.host)]" : c.host):\($0)" } ?? base)/metrics")
                }
                lines += service.routes.map { "  route:   \(base)/\($0.name)  (model \($0.modelName) \($0.modelVersion))" }
                lines += ProtocolSummary(service).lines.map { "  \($0.0): \(base)\($0.1)  (\($0.2))" }
                if let port = c.grpcPort { lines.append("  V2 (gRPC): \(c.host):\(port)  (inference.GRPCInferenceService)") }
                if let keys = c.apiKeys { lines.append("  auth:    \(keys) (Authorization: Bearer or X-API-Key); probes and docs open") }
                if let endpoint = c.otlpEndpoint { lines.append("  traces:  \(endpoint)/v1/traces  (OTLP/HTTP)") }
                if let cors = c.cors { lines.append("  cors:    \(cors.allowOrigins.joined(separator: ", "))") }
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        } catch let errors as ConfigErrors {
            throw CommandFailure("Invalid configuration:\n\(errors)")
        }
    }
}
