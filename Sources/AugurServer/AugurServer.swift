import AugurService
import Hummingbird
import Logging

/// The HTTP adapter: a service's routes over Hummingbird, plus OpenAPI, docs and health.
public struct AugurServer: Sendable {
    public let service: Service
    public let settings: ServerSettings

    public init(service: Service, settings: ServerSettings) {
        self.service = service
        self.settings = settings
    }

    /// Every route the server answers, with middleware; used by `run()` and by tests.
    public func makeRouter(logger: Logger = Logger(label: "augur")) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        var methods: [String: [HTTPRequest.Method]] = [:]
        router.add(middleware: AccessLogMiddleware(logger: logger))
        let document = OpenAPIDocument(service: service).json
        let docs = DocsPage(title: service.configuration.title, assets: settings.docsAssets)
        let fixed: [(String, @Sendable () -> Response)] = [
            ("/healthz", { .json(["status": "ok"]) }),
            ("/livez", { .json(["status": "ok"]) }),
            ("/readyz", { [service] in .json(Self.readiness(service)) }),
            ("/openapi.json", { .json(document) }),
            ("/docs", { .html(docs.html) }),
        ]
        for (path, _) in fixed { methods[path] = [.get] }
        for route in service.routes { methods["/\(route.name)"] = [.get, .post] }
        router.add(middleware: ErrorMiddleware(methods: methods))
        // Prediction routes first: the router tries sibling paths in the order they were added.
        for route in service.routes {
            let handler = PredictionHandler(route: route, maxBodyBytes: service.configuration.maxBodyBytes)
            router.post(RouterPath("/\(route.name)")) { request, context in try await handler.post(request, context: context) }
            router.get(RouterPath("/\(route.name)")) { request, context in try await handler.get(request, context: context) }
        }
        for (path, respond) in fixed {
            router.get(RouterPath(path)) { _, _ in respond() }
        }
        if settings.docsAssets != nil {
            router.get("/docs/assets/:file") { _, context in try docs.asset(context.parameters.get("file") ?? "") }
        }
        return router
    }

    static func readiness(_ service: Service) -> JSONValue {
        .object(JSONObject([
            ("status", "ready"),
            ("routes", .array(service.routes.map { route in
                .object(JSONObject([("route", .string("/\(route.name)")), ("model", .string(route.modelName)), ("version", .string(route.modelVersion))]))
            })),
        ]))
    }

    /// Binds and serves until the process is asked to stop (SIGINT/SIGTERM: graceful shutdown).
    public func run(logger: Logger = Logger(label: "augur"), onServerRunning: (@Sendable () async -> Void)? = nil) async throws {
        let app = Application(
            router: makeRouter(logger: logger),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "augur"),
            onServerRunning: { _ in await onServerRunning?() },
            logger: logger)
        try await app.runService()
    }
}
