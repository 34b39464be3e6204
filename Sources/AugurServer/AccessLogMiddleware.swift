import HTTPTypes
import Hummingbird
import Logging

/// One log line per request (method, path, status, duration, request id) and the request id
/// echoed in `X-Request-ID` (the client's, or a new one).
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = request.headers.value(.requestID).flatMap { Self.acceptable($0) } ?? context.id
        var response = try await next(request, context)
        // Appended when absent (the usual case): the same result as setting it, without the
        // generic replace-all-fields path.
        if response.headers.contains(.requestID) {
            response.headers[.requestID] = id
        } else {
            response.headers.append(HTTPField(name: .requestID, value: id))
        }
        let elapsed = ContinuousClock.now - start
        let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(Self.milliseconds(micros))ms",
                    metadata: ["request_id": "\(id)"])
        return response
    }

    /// A client id is echoed only when short and printable, so logs and headers stay clean.
    static func acceptable(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= 128, id.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        return id
    }

    static func milliseconds(_ micros: Double) -> String {
        let hundredths = Int((micros / 10).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

extension HTTPField.Name {
    // A valid token by construction: the initialiser only fails on characters not allowed in names.
    static let requestID = HTTPField.Name("X-Request-ID")!
}
