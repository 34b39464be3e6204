import AugurService
import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTP side of one route: content type and size checks, then the transport-free pipeline
/// of the route as it is in the registry's current snapshot, read once per request.
struct PredictionHandler: Sendable {
    let registry: ModelRegistry
    let routeName: String
    let maxBodyBytes: Int
    let parser = JSONParser()

    /// The route in the current snapshot (a reload never removes a route).
    private func current() throws -> Route {
        guard let route = registry.service.route(named: routeName) else { throw RequestError.notFound("/\(routeName)") }
        return route
    }

    /// Runs `predict` and labels the response, success or validation error, with the model
    /// version that answered.
    private func respond(_ route: Route, _ predict: (Route) throws(RequestError) -> JSONValue) -> Response {
        let headers = Self.versionHeaders(route)
        do {
            return .json(try predict(route), headers: headers)
        } catch {
            return .error(error, headers: headers)
        }
    }

    static func versionHeaders(_ route: Route) -> HTTPFields {
        [Self.modelName: route.modelName, Self.modelVersion: route.modelVersion]
    }

    static let modelName = HTTPField.Name("X-Model-Name")!
    static let modelVersion = HTTPField.Name("X-Model-Version")!

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
        let route = try current()
        let headers = Self.versionHeaders(route)
        let result: Result<[UInt8], RequestError> = buffer.withUnsafeReadableBytes { bytes in
            do throws(RequestError) {
                return .success(try route.predictJSON(json: bytes, parser: parser))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let bytes): return .json(bytes: bytes, headers: headers)
        case .failure(let error): return .error(error, headers: headers)
        }
    }

    func get(_ request: Request, context: some RequestContext) async throws -> Response {
        let pairs = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        return respond(try current()) { route throws(RequestError) in try route.predict(query: pairs) }
    }

    /// `application/json`, `application/*+json`, with any parameters (charset).
    static func isJSON(_ contentType: String) -> Bool { MediaType.isJSON(contentType) }
}
