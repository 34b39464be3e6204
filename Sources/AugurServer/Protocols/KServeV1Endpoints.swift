import AugurService
import Hummingbird
import NIOCore

/// KServe's v1 protocol over every route: `GET /v1/models`, `GET /v1/models/{route}` →
/// `{"name", "ready"}`, `POST /v1/models/{route}:predict` with `{"instances": [...]}` or
/// `{"inputs": [...]}` (rows as objects keyed by parameter; `inputs` wins when both are
/// given) → `{"predictions": [...]}`; `:explain` answers the same with each row's
/// `explanation` (as `/{route}/explain`). Errors are `{"error": "..."}`: 400 (bad JSON, not a
/// list, invalid rows, every problem in one message), 404 (unknown route, or `:explain` on a
/// route that cannot explain), 413.
struct KServeV1Endpoints: Sendable {
    let registry: ModelRegistry
    let maxBodyBytes: Int
    /// Rows predicted are counted here (nil: `server.metrics: false`).
    var metrics: ServerMetrics? = nil
    let parser = JSONParser()

    func register(on router: Router<AugurRequestContext>) {
        router.get("/v1/models") { _, _ in
            Response.json(["models": .array(registry.service.routes.map { .string($0.name) })])
        }
        router.get("/v1/models/:model") { _, context in
            let name = context.parameters.get("model") ?? ""
            guard registry.service.route(named: name) != nil else { return Self.error(404, Self.unknown(name)) }
            return Response.json(["name": .string(name), "ready": true])
        }
        router.post("/v1/models/:model") { request, context in
            let segment = context.parameters.get("model") ?? ""
            let explain = segment.hasSuffix(":explain")
            guard segment.hasSuffix(":predict") || explain else {
                return Self.error(405, "Method POST is not allowed at '/v1/models/\(segment)'; it answers GET (predict with POST /v1/models/{name}:predict, explain with :explain).")
                    .with([.allow: "GET"])
            }
            let name = String(segment.dropLast(":predict".count))
            guard let route = registry.service.route(named: name) else { return Self.error(404, Self.unknown(name)) }
            guard let body = try await ProtocolBody.collect(request, limit: maxBodyBytes) else {
                return Self.error(413, "The request body is larger than the limit of \(maxBodyBytes) bytes.")
            }
            do throws(RequestError) {
                let rows = try Self.rows(try parser.parse(body.readableBytesView), route: route)
                let predictions = explain ? try await route.explain(rows) : try await route.predict(rows)
                metrics?.predicted(route, predictions)
                return Response.encoded(predictions, with: PredictionsListEncoder())
            } catch {
                return Self.error([404, 500].contains(error.statusCode) ? error.statusCode : 400, error.issues.first?.type == .jsonInvalid
                                  ? "Unrecognized request format: \(error.issues.first?.msg ?? "")" : error.summary)
            }
        }
    }

    static func rows(_ body: JSONValue, route: Route) throws(RequestError) -> ParameterRows {
        guard case .object(let object) = body else {
            throw RequestError(status: 400, issues: [Issue(type: .v1Format, loc: [], msg: "The body must be an object with 'instances' or 'inputs'.")])
        }
        let key = object["inputs"] != nil ? "inputs" : "instances"
        guard let value = object[key] else {
            throw RequestError(status: 400, issues: [Issue(type: .v1Format, loc: [], msg: "The body needs 'instances' (or 'inputs'), a list of rows.")])
        }
        guard case .array(let items) = value else {
            throw RequestError(status: 400, issues: [Issue(type: .v1Format, loc: [.key(key)], msg: "Expected '\(key)' to be a list.")])
        }
        return try route.pipeline.decode(rows: items, at: [], limit: route.pipeline.maxBatch)
    }

    static func unknown(_ name: String) -> String { "Model with name \(name) does not exist." }

    static func error(_ status: Int, _ message: String) -> Response {
        .json(["error": .string(message)], status: HTTPResponse.Status(code: status))
    }
}

/// A request's body, collected up to the limit (nil when it is larger): for the own routes and every protocol.
enum ProtocolBody {
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer? {
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > limit { return nil }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            return nil
        }
    }
}

extension Response {
    /// A 200 whose body `encoder` writes from `predictions`.
    static func encoded(_ predictions: Predictions, with encoder: some PredictionEncoder, headers extra: HTTPFields = [:]) -> Response {
        var out = JSONOutput(capacity: 256)
        encoder.encode(predictions, into: &out)
        var headers: HTTPFields = [.contentType: encoder.mediaType]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }
}
