/// Augur's own endpoints: the one list the configuration check (a route may not take the first
/// segment of one of these), the router and the OpenAPI document read.
public enum ReservedPaths {
    public struct Endpoint: Sendable {
        public let path: String
        /// For OpenAPI and messages.
        public let summary: String
    }

    public static let healthz = Endpoint(path: "/healthz", summary: "Liveness and readiness summary")
    public static let livez = Endpoint(path: "/livez", summary: "Liveness probe")
    public static let readyz = Endpoint(path: "/readyz", summary: "Readiness probe, with each route's model and version")
    public static let openAPI = Endpoint(path: "/openapi.json", summary: "This OpenAPI document")
    public static let docs = Endpoint(path: "/docs", summary: "Swagger UI")
    public static let adminReload = Endpoint(path: "/admin/reload", summary: "Check every model source now and swap in new versions")

    /// The health probes, documented in OpenAPI under the `health` tag.
    public static let health = [healthz, livez, readyz]
    public static let all = health + [openAPI, docs, adminReload]

    /// The route names these paths take: their first segments.
    public static let routeNames: Set<String> = Set(all.map { String($0.path.dropFirst().prefix { $0 != "/" }) })
}
