import AugurService
import HTTPTypes
import Hummingbird

/// API keys on every endpoint but the open ones (`AuthPolicy`): `Authorization: Bearer <key>`
/// or `X-API-Key: <key>`. Missing: 401 with `WWW-Authenticate: Bearer`; not a key: 403. Each
/// answer is in the error shape of the endpoint's protocol. `POST /admin/reload` takes the
/// admin token instead, whether or not `server.auth` is on. Header values are never logged.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// `server.auth`; nil: only the admin endpoint is guarded.
    let keys: APIKeys?
    /// `$AUGUR_ADMIN_TOKEN` with `--admin`.
    let admin: APIKeys?

    /// nil when there is nothing to guard.
    init?(keys: APIKeys?, adminToken: String?) {
        guard keys != nil || adminToken != nil else { return nil }
        self.keys = keys
        self.admin = adminToken.map { APIKeys([$0]) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let required: APIKeys, isAdmin: Bool
        if path == AdminEndpoint.path, let admin {
            (required, isAdmin) = (admin, true)
        } else if let keys, !AuthPolicy.isOpen(path) {
            (required, isAdmin) = (keys, false)
        } else {
            return try await next(request, context)
        }
        let apiKey = request.headers.value(.apiKey)
        switch required.check(authorization: request.headers.value(.authorization), apiKey: apiKey) {
        case .allowed:
            return try await next(request, context)
        case .missing:
            return AuthPolicy.refusal(401, path: path, header: "authorization", admin: isAdmin)
        case .invalid:
            let header = request.headers.value(.authorization) == nil && apiKey != nil ? "x-api-key" : "authorization"
            return AuthPolicy.refusal(403, path: path, header: header, admin: isAdmin)
        }
    }
}

/// Which paths stay open under `server.auth`, and the refusals of the others in each
/// protocol's own error shape.
enum AuthPolicy {
    /// The health probes of every protocol (orchestrators and load balancers call them without
    /// keys), and the OpenAPI document and Swagger UI (as FastAPI serves them: Swagger UI's
    /// Authorize button then sends the key).
    static let openPaths: Set<String> = Set(ReservedPaths.health.map(\.path) + [
        ReservedPaths.openAPI.path, ReservedPaths.docs.path, "/v2/health/live", "/v2/health/ready", "/ping", "/health",
    ])

    static func isOpen(_ path: String) -> Bool {
        if openPaths.contains(path) { return true }
        // The end-user forms (no data of their own; the form asks for the key).
        if path == "/ui" || (path.hasPrefix("/ui/") && !path.dropFirst("/ui/".count).isEmpty) { return true }
        // Swagger UI's own files (--docs-assets): one segment under /docs/assets/.
        let assets = "/docs/assets/"
        return path.hasPrefix(assets) && !path.dropFirst(assets.count).contains("/")
    }

    enum Shape { case own, v2, v1, mlflow }

    /// The protocol a path belongs to, for its error shape.
    static func shape(of path: String) -> Shape {
        if path == "/v2" || path.hasPrefix("/v2/") { return .v2 }
        if path == "/v1" || path.hasPrefix("/v1/") { return .v1 }
        if path == "/invocations" || path == "/version" { return .mlflow }
        return .own
    }

    static func refusal(_ status: Int, path: String, header: String, admin: Bool) -> Response {
        let credential = admin ? "the admin token" : "an API key"
        let message = status == 401
            ? "Authentication required: send \(credential) as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
            : "The \(admin ? "admin token" : "API key") is not valid."
        let headers: HTTPFields = status == 401 ? [.wwwAuthenticate: "Bearer"] : [:]
        let code = HTTPResponse.Status(code: status)
        switch shape(of: path) {
        case .own:
            let issue = Issue(type: status == 401 ? .unauthorized : .forbidden, loc: ["header", .key(header)], msg: message)
            return .error(RequestError(status: status, issues: [issue]), headers: headers)
        case .v2, .v1:
            return .json(["error": .string(message)], status: code, headers: headers)
        case .mlflow:
            let errorCode = status == 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED"
            return .json(.object(JSONObject([("error_code", .string(errorCode)), ("message", .string(message))])), status: code, headers: headers)
        }
    }
}

extension HTTPField.Name {
    // A valid token by construction.
    static let apiKey = HTTPField.Name("X-API-Key")!
}
