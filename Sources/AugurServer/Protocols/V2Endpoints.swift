import AugurService
import AugurV2
import HTTPTypes
import Hummingbird
import NIOCore

/// The Open Inference Protocol v2 over REST (KServe v2, Triton, MLServer): health, server and
/// model metadata, readiness and inference, with Triton's binary tensor extension. Every
/// model of the current snapshot's `V2Catalog`; every error is `{"error": "..."}` with 400,
/// 404, 413 or 500.
struct V2Endpoints: Sendable {
    let registry: ModelRegistry
    let maxBodyBytes: Int
    /// Rows predicted are counted here (nil: `server.metrics: false`).
    var countRows: V2RowCounter? = nil
    let parser = JSONParser()

    static let headerLength = HTTPField.Name("Inference-Header-Content-Length")!

    func register(on router: Router<AugurRequestContext>) {
        router.get("/v2") { _, _ in
            Self.json(["name": "augur", "version": .string(AugurVersion.current), "extensions": ["binary_tensor_data"]])
        }
        router.get("/v2/health/live") { _, _ in Self.json(["live": true]) }
        router.get("/v2/health/ready") { _, _ in Self.json(["ready": true]) }
        for prefix in ["/v2/models/:model", "/v2/models/:model/versions/:version"] {
            router.get(RouterPath(prefix)) { _, context in answer { () throws(V2Error) in
                let catalog = V2Catalog(service: registry.service)
                return Self.json(Self.metadata(catalog.metadata(try model(context, in: catalog))))
            } }
            router.get(RouterPath(prefix + "/ready")) { _, context in answer { () throws(V2Error) in
                let catalog = V2Catalog(service: registry.service)
                return Self.json(["name": .string(try model(context, in: catalog).name), "ready": true])
            } }
            router.post(RouterPath(prefix + "/infer")) { request, context in try await infer(request, context) }
        }
    }

    private func model(_ context: AugurRequestContext, in catalog: V2Catalog) throws(V2Error) -> V2Catalog.Model {
        try catalog.model(context.parameters.get("model") ?? "", version: context.parameters.get("version"))
    }

    private func infer(_ request: Request, _ context: AugurRequestContext) async throws -> Response {
        guard let buffer = try await ProtocolBody.collect(request, limit: maxBodyBytes) else {
            return Self.error(413, "The request body is larger than the limit of \(maxBodyBytes) bytes.")
        }
        let headerLength = request.headers.value(Self.headerLength)
        return await answer { () async throws(V2Error) in
            let catalog = V2Catalog(service: registry.service)
            let model = try model(context, in: catalog)
            let decoded = try V2RequestDecoder(parser: parser).decode(Array(buffer.readableBytesView), headerLength: headerLength)
            let response = try await catalog.infer(model, decoded)
            countRows?(model, response.rows)
            let body = V2ResponseEncoder().encode(response, for: decoded)
            var headers: HTTPFields = [.contentType: body.headerLength == nil ? "application/json" : "application/octet-stream"]
            if let n = body.headerLength { headers[Self.headerLength] = String(n) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
        }
    }

    private func answer(_ body: () throws(V2Error) -> Response) -> Response {
        do throws(V2Error) { return try body() } catch { return Self.error(error.status, error.message) }
    }

    private func answer(_ body: () async throws(V2Error) -> Response) async -> Response {
        do throws(V2Error) { return try await body() } catch { return Self.error(error.status, error.message) }
    }

    static func error(_ status: Int, _ message: String) -> Response {
        json(["error": .string(message)], status: HTTPResponse.Status(code: status))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response { .json(value, status: status) }

    static func metadata(_ m: V2ModelMetadata) -> JSONValue {
        func tensors(_ list: [V2TensorMetadata]) -> JSONValue {
            .array(list.map { .object(JSONObject([("name", .string($0.name)), ("datatype", .string($0.datatype.rawValue)),
                                                  ("shape", .array($0.shape.map { .integer($0) }))])) })
        }
        return .object(JSONObject([("name", .string(m.name)), ("versions", .array(m.versions.map { .string($0) })),
                                   ("platform", .string(m.platform)), ("inputs", tensors(m.inputs)), ("outputs", tensors(m.outputs))]))
    }
}
