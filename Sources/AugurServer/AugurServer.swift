import AugurService
import AugurV2
import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP adapter: a service's routes over Hummingbird, plus OpenAPI, docs, health, and the
/// reloader that keeps the registry's models current.
public struct AugurServer: Sendable {
    public let registry: ModelRegistry
    public let settings: ServerSettings
    /// The Prometheus metrics (nil: `server.metrics: false`), shared by every adapter.
    let metrics: ServerMetrics?

    public init(registry: ModelRegistry, settings: ServerSettings) {
        self.registry = registry
        self.settings = settings
        metrics = registry.configuration.metrics ? ServerMetrics(registry: registry) : nil
    }

    /// Counts the rows a V2 request predicted (for the gRPC server, beside the HTTP one).
    public var v2RowCounter: V2RowCounter? {
        guard let metrics else { return nil }
        return { model, rows in metrics.countRows(model, rows) }
    }

    /// Serves a loaded service, reloading its models from their sources.
    public init(service: AugurService.Service, settings: ServerSettings) {
        self.init(registry: ModelRegistry(service: service, provider: ModelProvider(configuration: service.configuration)), settings: settings)
    }

    /// Every route the server answers, with middleware; used by `run()` and by tests.
    public func makeRouter(logger: Logger = Logger(label: "augur")) -> Router<AugurRequestContext> {
        makeRouter(logger: logger, metrics: metrics)
    }

    /// The routes, counted into `metrics`; `/metrics` among them unless `server.metrics_port`
    /// serves it on a port of its own.
    /// With `tracing`, requests and their stages are exported as spans.
    func makeRouter(logger: Logger, metrics: ServerMetrics?, tracing: RequestTracing? = nil) -> Router<AugurRequestContext> {
        let router = Router(context: AugurRequestContext.self)
        let service = registry.service, registry = registry
        var methods = AllowedMethods()
        let ownPort = service.configuration.metricsPort == nil
        if let metrics { router.add(middleware: MetricsMiddleware(metrics: metrics)) }
        router.add(middleware: AccessLogMiddleware(logger: logger, format: service.configuration.logFormat, tracing: tracing))
        if let cors = service.configuration.cors { router.add(middleware: CrossOriginMiddleware(cors: cors)) }
        if let auth = AuthMiddleware<AugurRequestContext>(keys: service.configuration.apiKeys, adminToken: settings.adminToken) {
            router.add(middleware: auth)
        }
        let openAPI = OpenAPIDocument(service: service)
        let document = openAPI.secured(openAPI.json)
        let docs = DocsPage(title: service.configuration.title, assets: settings.docsAssets, forms: service.configuration.ui)
        let encoders = EncoderChoice(settings.encoders)
        let fixed: [(String, @Sendable () -> Response)] = [
            (ReservedPaths.healthz.path, { .json(["status": "ok"]) }),
            (ReservedPaths.livez.path, { .json(["status": "ok"]) }),
            (ReservedPaths.readyz.path, { .json(Self.readiness(registry)) }),
            (ReservedPaths.monitoring.path, { .json(MonitoringReport.json(registry.service)) }),
            (ReservedPaths.openAPI.path, { .json(document) }),
            (ReservedPaths.docs.path, { .html(docs.html) }),
        ]
        for (path, _) in fixed { methods.add(path, [.get]) }
        if settings.adminToken != nil { methods.add(AdminEndpoint.path, [.post]) }
        if settings.docsAssets != nil { methods.add("/docs/assets/{file}", [.get]) }
        if service.configuration.ui { for endpoint in ReservedPaths.ui { methods.add(endpoint.path, [.get]) } }
        if metrics != nil, ownPort { methods.add(ReservedPaths.metrics.path, [.get]) }
        for route in service.routes {
            methods.add("/\(route.name)", [.get, .post])
            methods.add("/\(route.name)/explain", [.get, .post])
        }
        for endpoint in ReservedPaths.v2 + ReservedPaths.v1 {
            methods.add(endpoint.path, [HTTPRequest.Method(endpoint.method)!], .protocolError)
            if endpoint.path.hasPrefix("/v2/models/{model}") {
                let versioned = "/v2/models/{model}/versions/{version}" + endpoint.path.dropFirst("/v2/models/{model}".count)
                methods.add(versioned, [HTTPRequest.Method(endpoint.method)!], .protocolError)
            }
        }
        for endpoint in ReservedPaths.mlflow { methods.add(endpoint.path, [HTTPRequest.Method(endpoint.method)!], .mlflow) }
        router.add(middleware: ErrorMiddleware(methods: methods))
        // Prediction routes first: the router tries sibling paths in the order they were added.
        for route in service.routes {
            let handler = PredictionHandler(registry: registry, routeName: route.name, maxBodyBytes: service.configuration.maxBodyBytes,
                                            encoders: encoders, metrics: metrics, tracing: tracing)
            router.post(RouterPath("/\(route.name)")) { request, context in try await handler.post(request, context: context) }
            router.get(RouterPath("/\(route.name)")) { request, context in try await handler.get(request, context: context) }
            router.post(RouterPath("/\(route.name)/explain")) { request, context in
                try await handler.post(request, context: context, explain: true)
            }
            router.get(RouterPath("/\(route.name)/explain")) { request, context in
                try await handler.get(request, context: context, explain: true)
            }
        }
        for (path, respond) in fixed {
            router.get(RouterPath(path)) { _, _ in respond() }
        }
        let limit = service.configuration.maxBodyBytes
        var counter: V2RowCounter?
        if let metrics { counter = { model, rows in metrics.countRows(model, rows) } }
        V2Endpoints(registry: registry, maxBodyBytes: limit, countRows: counter).register(on: router)
        KServeV1Endpoints(registry: registry, maxBodyBytes: limit, metrics: metrics).register(on: router)
        MLflowEndpoints(registry: registry, maxBodyBytes: limit, metrics: metrics).register(on: router)
        if service.configuration.ui { UIEndpoints(registry: registry).register(on: router) }
        if let metrics, ownPort { Self.registerMetrics(metrics, on: router) }
        if settings.docsAssets != nil {
            router.get("/docs/assets/:file") { _, context in try docs.asset(context.parameters.get("file") ?? "") }
        }
        if settings.adminToken != nil {
            let admin = AdminEndpoint(registry: registry, logger: logger)
            router.post(RouterPath(AdminEndpoint.path)) { request, _ in try await admin.reload(request) }
        }
        return router
    }

    static func registerMetrics(_ metrics: ServerMetrics, on router: Router<AugurRequestContext>) {
        router.get(RouterPath(ReservedPaths.metrics.path)) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.scrape())))
        }
    }

    /// Each route's model and version, and each model's source, checks and last refused version.
    static func readiness(_ registry: ModelRegistry) -> JSONValue {
        let service = registry.service
        return .object(JSONObject([
            ("status", "ready"),
            ("routes", .array(service.routes.map { route in
                .object(JSONObject([("route", .string("/\(route.name)")), ("model", .string(route.modelName)), ("version", .string(route.modelVersion))]))
            })),
            ("models", .array(registry.statuses.map(AdminEndpoint.json))),
            ("protocols", ProtocolSummary(service).json),
        ]))
    }

    /// Binds and serves until the process is asked to stop (SIGINT/SIGTERM: graceful shutdown),
    /// with `services` (the gRPC server) running beside it in the same service group.
    public func run(logger: Logger = Logger(label: "augur"), services: [any ServiceLifecycle.Service] = [],
                    onServerRunning: (@Sendable () async -> Void)? = nil) async throws {
        let reloader = ReloadService(registry: registry, interval: registry.configuration.reloadInterval, logger: logger)
        var extra: [any ServiceLifecycle.Service] = []
        if let metrics, let port = registry.configuration.metricsPort {
            // /metrics alone on its own port (no API keys: expose the port to Prometheus only).
            let router = Router(context: AugurRequestContext.self)
            Self.registerMetrics(metrics, on: router)
            extra.append(Application(router: router, configuration: .init(address: .hostname(settings.host, port: port), serverName: "augur-metrics"),
                                     logger: logger))
        }
        let tracing = try registry.configuration.otlpEndpoint.map { try RequestTracing(endpoint: $0, logger: logger) }
        if let tracing { extra.append(tracing.service) }
        let app = Application(
            router: makeRouter(logger: logger, metrics: metrics, tracing: tracing),
            server: try GuardedHTTPServer.builder(registry.configuration.connections),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "augur"),
            services: [reloader] + services + extra,
            onServerRunning: { _ in await onServerRunning?() },
            logger: logger)
        try await app.runService()
        // Records still queued for the prediction logs, written before the process ends.
        PredictionLog.flushAll()
    }
}
