import AugurService
import HTTPTypes
import Hummingbird
import Logging

/// One log line per request and the request's identifiers: the request id echoed in
/// `X-Request-ID` (the client's, or a new one) and the W3C trace context (`traceparent`
/// continued or started, answered with this server's span; see `TraceContext`).
///
/// Text lines read `POST /loan_status 200 0.41ms request_id=… trace_id=…`; JSON lines
/// (`server.log_format: json`) carry `method`, `path`, `status`, `duration_ms`, `request_id`,
/// `trace_id`, `span_id`, `parent_id` (when continued), `model_version` (routes' answers),
/// `remote` (the client's address) and `bytes_in`/`bytes_out` (body sizes when known).
/// Never a body or a query string.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    var format: LogFormat = .text

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = request.headers.value(.requestID).flatMap { Self.acceptable($0) } ?? context.id
        let trace = TraceContext(traceparent: request.headers[.traceparent], tracestate: request.headers[.tracestate])
        var response = try await next(request, context)
        // Appended when absent (the usual case): the same result as setting it, without the
        // generic replace-all-fields path.
        if response.headers.contains(.requestID) {
            response.headers[.requestID] = id
        } else {
            response.headers.append(HTTPField(name: .requestID, value: id))
        }
        response.headers[.traceparent] = trace.traceparent
        if let state = trace.state { response.headers[.tracestate] = state }
        guard logger.logLevel <= .info else { return response }
        let elapsed = ContinuousClock.now - start
        let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
        let milliseconds = Self.milliseconds(micros)
        var metadata: Logger.Metadata = ["request_id": "\(id)", "trace_id": "\(trace.traceID)"]
        if format == .json {
            metadata["method"] = "\(request.method)"
            metadata["path"] = "\(request.uri.path)"
            metadata["status"] = .stringConvertible(Int(response.status.code))
            metadata["duration_ms"] = .stringConvertible(micros / 1000)
            metadata["span_id"] = "\(trace.spanID)"
            if let parent = trace.parentID { metadata["parent_id"] = "\(parent)" }
            if let version = response.headers[PredictionHandler.modelVersion] { metadata["model_version"] = "\(version)" }
            if let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress,
               let address = remote.ipAddress { metadata["remote"] = "\(address)" }
            if let length = request.headers[.contentLength].flatMap(Int.init) { metadata["bytes_in"] = .stringConvertible(length) }
            if let length = response.body.contentLength { metadata["bytes_out"] = .stringConvertible(length) }
        }
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(milliseconds)ms", metadata: metadata)
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
    // Valid tokens by construction: the initialiser only fails on characters not allowed in names.
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!
}
