/// Augur's own endpoints: the one list the configuration check (a route may not take the first
/// segment of one of these), the router and the OpenAPI document read.
public enum ReservedPaths {
    public struct Endpoint: Sendable {
        public let path: String
        /// For OpenAPI and messages.
        public let summary: String
        /// `GET` or `POST`.
        public let method: String

        init(path: String, summary: String, method: String = "GET") {
            self.path = path
            self.summary = summary
            self.method = method
        }
    }

    public static let healthz = Endpoint(path: "/healthz", summary: "Liveness and readiness summary")
    public static let livez = Endpoint(path: "/livez", summary: "Liveness probe")
    public static let readyz = Endpoint(path: "/readyz", summary: "Readiness probe, with each route's model and version")
    public static let openAPI = Endpoint(path: "/openapi.json", summary: "This OpenAPI document")
    public static let docs = Endpoint(path: "/docs", summary: "Swagger UI")
    /// Prometheus metrics (`server.metrics`).
    public static let metrics = Endpoint(path: "/metrics", summary: "Prometheus metrics")
    /// The end-user forms (`server.ui`).
    public static let ui = [
        Endpoint(path: "/ui", summary: "End-user forms: the routes"),
        Endpoint(path: "/ui/{route}", summary: "End-user form of a route"),
        Endpoint(path: "/ui/assets/{file}", summary: "The forms' stylesheet and script"),
    ]
    /// Drift of live inputs against the training data, per route and feature.
    public static let monitoring = Endpoint(path: "/monitoring", summary: "Drift of live inputs against each model's training data")
    public static let adminReload = Endpoint(path: "/admin/reload", summary: "Check every model source now and swap in new versions", method: "POST")

    /// The Open Inference Protocol v2 (REST).
    public static let v2 = [
        Endpoint(path: "/v2", summary: "V2 server metadata"),
        Endpoint(path: "/v2/health/live", summary: "V2 liveness"),
        Endpoint(path: "/v2/health/ready", summary: "V2 readiness"),
        Endpoint(path: "/v2/models/{model}", summary: "V2 model metadata (also under /versions/{version})"),
        Endpoint(path: "/v2/models/{model}/ready", summary: "V2 model readiness (also under /versions/{version})"),
        Endpoint(path: "/v2/models/{model}/infer", summary: "V2 inference (also under /versions/{version})", method: "POST"),
    ]

    /// KServe's v1 protocol.
    public static let v1 = [
        Endpoint(path: "/v1/models", summary: "KServe v1: the routes"),
        Endpoint(path: "/v1/models/{model}", summary: "KServe v1: a route's readiness"),
        Endpoint(path: "/v1/models/{model}:predict", summary: "KServe v1: predict", method: "POST"),
        Endpoint(path: "/v1/models/{model}:explain", summary: "KServe v1: predict and explain", method: "POST"),
    ]

    /// The MLflow scoring protocol.
    public static let mlflow = [
        Endpoint(path: "/ping", summary: "MLflow: liveness"),
        Endpoint(path: "/health", summary: "MLflow: liveness"),
        Endpoint(path: "/version", summary: "MLflow: the server's version"),
        Endpoint(path: "/invocations", summary: "MLflow: score rows through the invocations route", method: "POST"),
    ]

    /// The health probes, documented in OpenAPI under the `health` tag.
    public static let health = [healthz, livez, readyz]
    public static let all = health + [openAPI, docs, adminReload, metrics, monitoring] + ui + v2 + v1 + mlflow

    /// The route names these paths take: their first segments.
    public static let routeNames: Set<String> = Set(all.map { String($0.path.dropFirst().prefix { $0 != "/" }) })
}
