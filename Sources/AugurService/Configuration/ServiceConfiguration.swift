import AugurStore
import Foundation
import Yams

/// A parsed `augur.yaml`: service metadata, server settings, models and routes.
///
/// `load(contentsOf:)` checks everything that can be checked without loading the models
/// (keys, types, constraints, expressions, model paths) and reports every problem at once as
/// `ConfigErrors`; `Service.init` then checks each route against its model's signature.
/// `text` (a readable line) or `json` (one JSON object per line, for log shippers).
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

public struct ServiceConfiguration: Sendable {
    /// The configuration file, as given (a folder is completed with `augur.yaml`).
    public var path: String
    public var name: String
    /// `service.title` and `service.description`, per language when given so.
    public var localizedTitle = LocalizedText("")
    public var localizedDescription = LocalizedText("")
    public var title: String {
        get { localizedTitle.text }
        set { localizedTitle = LocalizedText(newValue, translations: localizedTitle.translations) }
    }
    public var version: String
    public var description: String {
        get { localizedDescription.text }
        set { localizedDescription = LocalizedText(newValue, translations: localizedDescription.translations) }
    }
    public var host: String
    public var port: Int
    public var maxBodyBytes: Int
    public var maxBatch: Int
    public var allowUnknownFields: Bool
    /// Serve the end-user forms at /ui (`server.ui`).
    public var ui: Bool
    /// Serve Prometheus metrics at /metrics (`server.metrics`).
    public var metrics: Bool
    /// Serve /metrics on this port alone instead of the API's (`server.metrics_port`).
    public var metricsPort: Int?
    /// How log lines are written (`server.log_format`, `--log-format`).
    public var logFormat: LogFormat
    /// The OpenTelemetry collector spans are exported to over OTLP/HTTP (`server.otlp_endpoint`,
    /// `--otlp-endpoint`): its base URL, spans go to `{endpoint}/v1/traces`; nil: no export.
    public var otlpEndpoint: String?
    /// Seconds between checks for a new version behind `latest`, an alias or a changed file;
    /// 0 turns polling off (SIGHUP and the admin endpoint still reload).
    public var reloadInterval: Double
    /// The port of the Open Inference Protocol's gRPC server (`server.grpc_port`,
    /// `--grpc-port`); nil: no gRPC server.
    public var grpcPort: Int?
    /// The route `POST /invocations` (the MLflow scoring protocol) serves: `server.invocations_route`,
    /// else the only route when there is one.
    public var invocationsRoute: String?
    /// API keys every endpoint but the health probes and the docs requires (`server.auth`); nil: no authentication.
    public var apiKeys: APIKeys?
    /// Cross-origin requests from browsers (`server.cors`); nil: no CORS headers.
    public var cors: CORSConfiguration?
    /// Timeouts, the connection cap, the graceful drain and TLS (`server.*_timeout`, `max_connections`, `tls`).
    public var connections = ConnectionSettings()
    /// The local model store (`$AUGUR_HOME/models`, `--store`).
    public var storeRoot: String
    /// MLflow tracking server for `models:/` references (`mlflow.tracking_uri`, else `MLFLOW_TRACKING_URI`).
    public var mlflowTrackingURI: String?
    /// Drift against the training data (`monitoring:`), for routes whose model has reference statistics.
    public var monitoring = MonitoringSettings()
    public internal(set) var models: [ModelEntry] = []
    var routes: [RouteConfiguration] = []

    public init(path: String) {
        self.path = path
        name = ""
        version = ServiceDefaults.version
        host = ServiceDefaults.host
        port = ServiceDefaults.port
        maxBodyBytes = ServiceDefaults.maxBodyBytes
        maxBatch = ServiceDefaults.maxBatch
        allowUnknownFields = ServiceDefaults.allowUnknownFields
        ui = ServiceDefaults.ui
        metrics = ServiceDefaults.metrics
        logFormat = ServiceDefaults.logFormat
        reloadInterval = ServiceDefaults.reloadInterval
        storeRoot = ModelStore.defaultRoot()
        mlflowTrackingURI = ProcessInfo.processInfo.environment["MLFLOW_TRACKING_URI"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Route names in file order.
    public var routeNames: [String] { routes.map(\.name) }

    /// Reads and checks a configuration file; `path` may also be a folder holding `augur.yaml`.
    public static func load(contentsOf path: String) throws -> ServiceConfiguration {
        var file = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = (path as NSString).appendingPathComponent(ServiceDefaults.fileName)
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigErrors([ConfigError(file: file, line: nil, keyPath: "", code: .unreadable, message: "cannot read the file (\(error.localizedDescription)).")])
        }
        return try ServiceConfiguration(yaml: text, path: file)
    }

    /// Parses configuration text as if read from `path` (model paths are relative to its folder).
    public init(yaml: String, path: String) throws {
        self.init(path: path)
        var reader = ConfigReader(file: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigErrors([Self.yamlError(error, file: path)])
        }
        guard let root else {
            throw ConfigErrors([ConfigError(file: path, line: nil, keyPath: "", code: .missingKey, message: "the file is empty; expected routes: (and optionally service:, server:, models:).")])
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        name = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        ConfigurationParser(configuration: self, reader: reader, folder: folder).parse(root, into: &self, reader: &reader)
        guard reader.errors.isEmpty else { throw ConfigErrors(reader.errors) }
        if title.isEmpty { title = RouteParser.title(name) }
    }

    private static func yamlError(_ error: Error, file: String) -> ConfigError {
        guard let yaml = error as? YamlError else {
            return ConfigError(file: file, line: nil, keyPath: "", code: .yamlInvalid, message: "invalid YAML: \(error).")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var extra = context.map { " (\($0.text))" } ?? ""
            if problem.contains("mapping values are not allowed") {
                extra += "; quote a value that contains ': ', such as an expression with a {key: value} map"
            }
            return ConfigError(file: file, line: mark.line, keyPath: "", code: .yamlInvalid, message: "invalid YAML: \(problem)\(extra).")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, keyPath: "", code: .yamlInvalid,
                               message: "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")).")
        default:
            return ConfigError(file: file, line: nil, keyPath: "", code: .yamlInvalid, message: "invalid YAML: \(yaml).")
        }
    }
}
