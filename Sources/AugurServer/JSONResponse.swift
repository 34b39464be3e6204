import AugurService
import Hummingbird

extension Response {
    /// A JSON response with our own serialiser (keys in order, non-finite numbers as null).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = jsonHeaders
        if !extra.isEmpty { headers.append(contentsOf: extra) }
        let body = value.withSerializedBytes { ByteBuffer(bytes: $0) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    /// The one error shape: `{"detail": [{"type", "loc", "msg", "input"?}]}` with its status.
    static func error(_ error: RequestError, headers: HTTPFields = [:]) -> Response {
        ErrorTypes.current?.record(error)
        var headers = headers
        if error.issues.contains(where: { $0.type == .overloaded }) { headers[.retryAfter] = "1" }
        return json(error.body, status: error.status, headers: headers)
    }

    /// The same response with `extra` headers added.
    func with(_ extra: HTTPFields) -> Response {
        var response = self
        response.headers.append(contentsOf: extra)
        return response
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
