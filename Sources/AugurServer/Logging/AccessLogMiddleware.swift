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
///
/// With `tracing`, the trace context is the request's exported server span (`RequestTracing`),
/// handed to the handlers in the context and ended here with the answer's status.
struct AccessLogMiddleware<Context: TracedRequestContext>: RouterMiddleware {
    let logger: Logger
    var format: LogFormat = .text
    var tracing: RequestTracing?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = request.headers.value(.requestID).flatMap { Self.acceptable($0) } ?? context.id
        let trace: TraceContext
        var context = context
        if let tracing {
            let started = tracing.start(request, at: start)
            (context.span, trace) = (started.span, started.trace)
            started.span.attributes["augur.request_id"] = id
        } else {
            trace = TraceContext(traceparent: request.headers[.traceparent], tracestate: request.headers[.tracestate])
        }
        var response: Response
        do {
            // The id the prediction log's records carry.
            response = try await PredictionLog.$requestID.withValue(id) { try await next(request, context) }
        } catch {
            // Answered by Hummingbird from the error (a 404 or 405 from the router).
            if let span = context.span {
                RequestTracing.end(span, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), modelVersion: nil)
            }
            throw error
        }
        if let span = context.span {
            RequestTracing.end(span, status: Int(response.status.code), modelVersion: response.headers[PredictionHandler.modelVersion])
        }
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
        var fields = LogFields()
        if format == .json {
            fields.append("method", .string(request.method.rawValue))
            fields.append("path", .string(request.uri.path))
            fields.append("status", .number(Int(response.status.code)))
            fields.append("duration_ms", .number(text: Self.milliseconds(micros, digits: 3)))
        }
        fields.append("request_id", .string(id))
        fields.append("trace_id", .string(trace.traceID))
        if format == .json {
            fields.append("span_id", .string(trace.spanID))
            if let parent = trace.parentID { fields.append("parent_id", .string(parent)) }
            if let version = response.headers[PredictionHandler.modelVersion] { fields.append("model_version", .string(version)) }
            if let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress,
               let address = remote.ipAddress { fields.append("remote", .string(address)) }
            if let length = request.headers[.contentLength].flatMap(Int.init) { fields.append("bytes_in", .number(length)) }
            if let length = response.body.contentLength { fields.append("bytes_out", .number(length)) }
        }
        let metadata: Logger.Metadata = [LogFields.key: .stringConvertible(fields)]
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(milliseconds)ms", metadata: metadata)
        return response
    }

    /// A client id is echoed only when short and printable, so logs and headers stay clean.
    static func acceptable(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= 128, id.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        return id
    }

    /// `micros` as milliseconds with `digits` decimals (2 or 3), without `String(format:)`.
    static func milliseconds(_ micros: Double, digits: Int = 2) -> String {
        let scale = digits == 3 ? 1000 : 100
        let units = Int((micros * Double(scale) / 1000).rounded())
        let fraction = String(units % scale)
        return "\(units / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

extension HTTPField.Name {
    // Valid tokens by construction: the initialiser only fails on characters not allowed in names.
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!
}
