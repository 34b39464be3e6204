import AugurService
import Hummingbird
import NIOCore

/// The HTTP side of one route: content type and size checks, then the transport-free pipeline.
struct PredictionHandler: Sendable {
    let route: Route
    let maxBodyBytes: Int
    let parser = JSONParser()

    func post(_ request: Request, context: some RequestContext) async throws -> Response {
        if let type = request.headers.value(.contentType), !Self.isJSON(type) {
            throw RequestError.unsupportedMediaType(type)
        }
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > maxBodyBytes {
            throw RequestError.payloadTooLarge(limit: maxBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw RequestError.payloadTooLarge(limit: maxBodyBytes)
        }
        return .json(bytes: try buffer.withUnsafeReadableBytes { bytes throws(RequestError) in try route.predictJSON(json: bytes, parser: parser) })
    }

    func get(_ request: Request, context: some RequestContext) async throws -> Response {
        let pairs = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        return .json(try route.predict(query: pairs))
    }

    /// `application/json`, `application/*+json`, with any parameters (charset).
    static func isJSON(_ contentType: String) -> Bool { MediaType.isJSON(contentType) }
}
