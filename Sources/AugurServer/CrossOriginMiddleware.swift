import AugurService
import HTTPTypes
import Hummingbird

/// CORS (`server.cors`), as Starlette's CORSMiddleware answers FastAPI's clients: a preflight
/// (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here, before
/// authentication (browsers send no credentials on one): 204 with the allowed methods and
/// headers, or 400 `cors_rejected` naming what is not allowed. Other requests from an allowed
/// origin get `Access-Control-Allow-Origin` and the exposed model and request-id headers; from
/// another origin they are served without CORS headers (the browser withholds the answer).
///
/// Hummingbird's CORSMiddleware takes a list of origins only as a variadic literal and answers
/// any OPTIONS as a successful preflight, so this is our own.
struct CrossOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let cors: CORSConfiguration

    static var exposed: String { "X-Model-Name, X-Model-Version, X-Request-ID" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers.value(.origin) else { return try await next(request, context) }
        if request.method == .options, let method = request.headers.value(.accessControlRequestMethod) {
            return preflight(origin: origin, method: method, headers: request.headers.value(.accessControlRequestHeaders))
        }
        var response = try await next(request, context)
        guard cors.allows(origin: origin) else { return response }
        let wildcard = cors.allowOrigins.contains("*")
        response.headers[.accessControlAllowOrigin] = wildcard ? "*" : origin
        response.headers[.accessControlExposeHeaders] = Self.exposed
        if !wildcard { response.headers[values: .vary].append("Origin") }
        return response
    }

    private func preflight(origin: String, method: String, headers: String?) -> Response {
        let requested = (headers ?? "").split(separator: ",").map { $0.trimming(" \t") }.filter { !$0.isEmpty }.map(String.init)
        var refused: [String] = []
        if !cors.allows(origin: origin) { refused.append("origin '\(origin)'") }
        if !cors.allows(method: method) { refused.append("method '\(method)'") }
        if !cors.allows(headers: requested) { refused.append("headers '\(requested.joined(separator: ", "))'") }
        var fields: HTTPFields = [.vary: "Origin"]
        guard refused.isEmpty else {
            return .error(RequestError(status: 400, issues: [Issue(
                type: .corsRejected, loc: ["header", "origin"],
                msg: "The CORS preflight asks for what server.cors does not allow: \(refused.joined(separator: "; ")).")]),
                headers: fields)
        }
        fields[.accessControlAllowOrigin] = cors.allowOrigins.contains("*") ? "*" : origin
        fields[.accessControlAllowMethods] = cors.allowMethods.contains("*") ? method : cors.allowMethods.joined(separator: ", ")
        let allowHeaders = cors.allowHeaders.contains("*") ? requested : cors.allowHeaders
        if !allowHeaders.isEmpty { fields[.accessControlAllowHeaders] = allowHeaders.joined(separator: ", ") }
        fields[.accessControlMaxAge] = String(cors.maxAge)
        return Response(status: .noContent, headers: fields)
    }
}
