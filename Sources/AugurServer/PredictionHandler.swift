import AugurService
import HTTPTypes
import Hummingbird
import NIOCore
import Tracing

/// The HTTP side of one route: content type and size checks, a decoder (JSON body or GET
/// query), the route's pipeline as it is in the registry's current snapshot (read once per
/// request), and the encoder the request accepts.
struct PredictionHandler: Sendable {
    let registry: ModelRegistry
    let routeName: String
    let maxBodyBytes: Int
    let encoders: EncoderChoice
    /// Rows predicted are counted here (nil: `server.metrics: false`).
    let metrics: ServerMetrics?
    /// The stages of a traced request become spans here (nil: `server.otlp_endpoint` unset).
    var tracing: RequestTracing? = nil
    let parser = JSONParser()

    /// The route in the current snapshot (a reload never removes a route).
    private func current() throws -> Route {
        guard let route = registry.service.route(named: routeName) else { throw RequestError.notFound("/\(routeName)") }
        return route
    }

    static func versionHeaders(_ route: Route) -> HTTPFields {
        [Self.modelName: route.modelName, Self.modelVersion: route.modelVersion]
    }

    static let modelName = HTTPField.Name("X-Model-Name")!
    static let modelVersion = HTTPField.Name("X-Model-Version")!

    /// `?explain=true` (or `1`) on a route asks for explanations, like `/{route}/explain`.
    static func asksToExplain(_ pairs: [(String, String)]) -> Bool {
        pairs.contains { $0.0 == "explain" && ["true", "1"].contains($0.1.lowercased()) }
    }

    func post(_ request: Request, context: some TracedRequestContext, explain: Bool = false) async throws -> Response {
        let start = ContinuousClock.now
        let explain = explain || Self.asksToExplain(FormQuery.pairs(request.uri.query.map { Substring($0) } ?? ""))
        if let type = request.headers.value(.contentType), !MediaType.isJSON(type) {
            throw RequestError.unsupportedMediaType(type)
        }
        let encoder = try encoders.pick(accept: request.headers.value(.accept))
        guard let buffer = try await ProtocolBody.collect(request, limit: maxBodyBytes) else {
            throw RequestError.payloadTooLarge(limit: maxBodyBytes)
        }
        let route = try current()
        let decoded: Result<ParameterRows, RequestError> = buffer.withUnsafeReadableBytes { bytes in
            do throws(RequestError) {
                return .success(try route.pipeline.decode(json: bytes, parser: parser))
            } catch {
                return .failure(error)
            }
        }
        return await respond(route, encoder: encoder, explain: explain, span: context.span, start: start) { () throws(RequestError) in try decoded.get() }
    }

    func get(_ request: Request, context: some TracedRequestContext, explain: Bool = false) async throws -> Response {
        let start = ContinuousClock.now
        let encoder = try encoders.pick(accept: request.headers.value(.accept))
        var pairs = FormQuery.pairs(request.uri.query.map { Substring($0) } ?? "")
        let route = try current()
        // `explain` is the query's switch unless the route has a parameter of that name.
        var explain = explain
        if !route.parameters.contains(where: { $0.name == "explain" }) {
            explain = explain || Self.asksToExplain(pairs)
            pairs.removeAll { $0.0 == "explain" }
        }
        return await respond(route, encoder: encoder, explain: explain, span: context.span, start: start) { () throws(RequestError) in
            try route.pipeline.decode(query: pairs)
        }
    }

    /// Decodes, predicts and encodes, labelling the response (success or error) with the model
    /// version that answered; a traced request's stages become children of `span`.
    private func respond(_ route: Route, encoder: Int, explain: Bool, span: (any Span)?, start: ContinuousClock.Instant,
                         _ decode: () throws(RequestError) -> ParameterRows) async -> Response {
        var headers = encoders.headers[encoder]
        headers.append(contentsOf: Self.versionHeaders(route))
        let traced = span != nil && tracing != nil
        var marks: StageMarks? = traced ? StageMarks() : nil
        var decoded: ContinuousClock.Instant?
        var predicted: Predictions?
        defer {
            if traced, let span, let tracing {
                tracing.stages(under: span, route: route, start: start, decoded: decoded, marks: marks, predictions: predicted, end: .now)
            }
        }
        do throws(RequestError) {
            let rows = try decode()
            if traced { decoded = .now }
            let predictions: Predictions
            if explain {
                predictions = try await route.explain(rows)
                if traced { marks?.inferred = .now }
            } else {
                predictions = try await route.predict(rows, stages: &marks)
            }
            metrics?.predicted(route, predictions)
            var out = JSONOutput(capacity: 256)
            encoders.encoders[encoder].encode(predictions, into: &out)
            if traced { predicted = predictions }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
        } catch {
            return .error(error, headers: Self.versionHeaders(route))
        }
    }
}
