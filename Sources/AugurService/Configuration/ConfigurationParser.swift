import Yams

/// Reads the top level of `augur.yaml`: `service:`, `server:`, `models:`, `routes:`.
struct ConfigurationParser {
    static let keys = ["service", "server", "models", "mlflow", "monitoring", "routes"]
    static let serviceKeys = ["name", "title", "version", "description"]
    static let serverKeys = ["host", "port", "max_body_bytes", "max_batch", "allow_unknown_fields", "ui", "metrics", "metrics_port", "log_format", "otlp_endpoint", "reload_interval", "invocations_route", "grpc_port", "auth", "cors"] + ConnectionParser.keys

    let folder: String

    init(configuration: ServiceConfiguration, reader: ConfigReader, folder: String) {
        self.folder = folder
    }

    func parse(_ root: Yams.Node, into configuration: inout ServiceConfiguration, reader: inout ConfigReader) {
        let top = ConfigNode(node: root, path: "")
        guard let entries = reader.mapping(top) else { return }
        reader.checkKeys(entries, allowed: Self.keys)
        var values: [String: ConfigNode] = [:]
        for entry in entries { values[entry.key] = entry.value }
        if let service = values["service"] { readService(service, &configuration, &reader) }
        if let server = values["server"] { readServer(server, &configuration, &reader) }
        if let mlflow = values["mlflow"], let entries = reader.mapping(mlflow) {
            reader.checkKeys(entries, allowed: ["tracking_uri"])
            if let uri = entries.first(where: { $0.key == "tracking_uri" }), let text = reader.string(uri.value) {
                if text.hasPrefix("http://") || text.hasPrefix("https://") {
                    configuration.mlflowTrackingURI = text
                } else {
                    reader.error(uri.value, .invalidValue, "'\(text)' is not an http:// or https:// URL of an MLflow tracking server.")
                }
            }
        }
        if let monitoring = values["monitoring"], let settings = MonitoringSettings.parse(monitoring, reader: &reader) {
            configuration.monitoring = settings
        }
        var models = ModelResolver(folder: folder)
        if let node = values["models"] { models.readModels(node, reader: &reader) }
        guard let routesNode = values["routes"] else {
            reader.error(top, .missingKey, "missing 'routes': at least one route is needed.")
            return
        }
        guard let routes = reader.mapping(routesNode) else { return }
        if routes.isEmpty { reader.error(routesNode, .missingKey, "no routes; add at least one.") }
        var modelEntries = models.entries
        for route in routes {
            if !Self.isValidRouteName(route.key) {
                reader.error(line: route.line, path: route.value.path, .invalidValue,
                             "route name '\(route.key)' cannot be a URL segment; use letters, digits, '_', '-' and '.'.")
                continue
            }
            if ReservedPaths.routeNames.contains(route.key) {
                reader.error(line: route.line, path: route.value.path, .reservedName,
                             "route name '\(route.key)' is taken by one of Augur's own endpoints (\(ReservedPaths.routeNames.sorted().map { "/\($0)" }.joined(separator: ", "))); choose another name.")
                continue
            }
            var parser = RouteParser(reader: reader, models: models, allowUnknownFields: configuration.allowUnknownFields)
            let (parsed, entry) = parser.parse(route.key, route.value)
            reader = parser.reader
            if let parsed { configuration.routes.append(parsed) }
            if let entry, !modelEntries.contains(where: { $0.source == entry.source && $0.name == entry.name }) {
                modelEntries.append(entry)
            }
        }
        configuration.models = modelEntries
        // One writer per prediction log: two routes cannot share a file.
        var logged: [String: String] = [:]
        for route in configuration.routes {
            guard let path = route.log?.path else { continue }
            if let first = logged[path] {
                reader.error(line: route.location.line, path: "routes.\(route.name).log.path", .conflictingKeys,
                             "route '\(first)' already logs to '\(path)'; give each route its own file.")
            } else {
                logged[path] = route.name
            }
        }
        if let name = configuration.invocationsRoute, !configuration.routes.contains(where: { $0.name == name }),
           let server = values["server"], let entries = reader.mapping(server),
           let entry = entries.first(where: { $0.key == "invocations_route" }) {
            reader.error(entry.value, .invalidValue, "'\(name)' is not a route; routes: \(configuration.routes.map { "'\($0.name)'" }.joined(separator: ", ")).")
        }
        if configuration.invocationsRoute == nil, configuration.routes.count == 1 { configuration.invocationsRoute = configuration.routes[0].name }
    }

    static func isValidRouteName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
        } && name != "." && name != ".."
    }

    private func readService(_ node: ConfigNode, _ c: inout ServiceConfiguration, _ reader: inout ConfigReader) {
        guard let entries = reader.mapping(node) else { return }
        reader.checkKeys(entries, allowed: Self.serviceKeys)
        for entry in entries where Self.serviceKeys.contains(entry.key) {
            switch entry.key {
            case "title", "description":
                guard let text = reader.localizedText(entry.value) else { continue }
                if entry.key == "title" { c.localizedTitle = text } else { c.localizedDescription = text }
            default:
                guard let text = reader.string(entry.value) else { continue }
                if entry.key == "name" { c.name = text } else { c.version = text }
            }
        }
    }

    private func readServer(_ node: ConfigNode, _ c: inout ServiceConfiguration, _ reader: inout ConfigReader) {
        guard let entries = reader.mapping(node) else { return }
        reader.checkKeys(entries, allowed: Self.serverKeys)
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "host": c.host = reader.string(value) ?? c.host
            case "port": c.port = reader.int(value, in: 0...65535) ?? c.port
            case "max_body_bytes": c.maxBodyBytes = reader.int(value, in: 1...Int(Int32.max)) ?? c.maxBodyBytes
            case "max_batch": c.maxBatch = reader.int(value, in: 1...10_000_000) ?? c.maxBatch
            case "allow_unknown_fields": c.allowUnknownFields = reader.bool(value) ?? c.allowUnknownFields
            case "ui": c.ui = reader.bool(value) ?? c.ui
            case "metrics": c.metrics = reader.bool(value) ?? c.metrics
            case "metrics_port": c.metricsPort = reader.int(value, in: 1...65535)
            case "log_format":
                if let text = reader.string(value) {
                    if let format = LogFormat(rawValue: text) {
                        c.logFormat = format
                    } else {
                        reader.error(value, .invalidValue, "'\(text)' is not a log format; use text or json.")
                    }
                }
            case "otlp_endpoint":
                if let text = reader.string(value) {
                    if let url = ServiceConfiguration.otlpEndpoint(text) {
                        c.otlpEndpoint = url
                    } else {
                        reader.error(value, .invalidValue, "'\(text)' is not a collector URL; give http://HOST:PORT or https://HOST:PORT (OTLP/HTTP, usually port 4318).")
                    }
                }
            case "reload_interval": c.reloadInterval = reader.double(value, in: 0...86_400) ?? c.reloadInterval
            case "invocations_route": c.invocationsRoute = reader.string(value)
            case "grpc_port": c.grpcPort = reader.int(value, in: 1...65535)
            case "auth": c.apiKeys = SecurityParser(folder: folder).auth(value, reader: &reader)
            case "cors": c.cors = SecurityParser(folder: folder).cors(value, reader: &reader)
            case _ where ConnectionParser.keys.contains(entry.key): ConnectionParser(folder: folder).read(entry.key, value, into: &c.connections, reader: &reader)
            default: break
            }
        }
    }
}

extension ServiceConfiguration {
    /// An OTLP/HTTP collector's base URL: http or https, a host, an optional port and path, no
    /// query, fragment or credentials; trailing slashes dropped.
    public static func otlpEndpoint(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else { return nil }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, text.utf8.count <= 2048,
              !text.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0 == " " || $0.asciiValue.map { $0 < 0x21 || $0 > 0x7E } ?? true })
        else { return nil }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port),
                  colon != authority.startIndex else { return nil }
        }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
