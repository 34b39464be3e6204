import AugurService
import HTTPTypes
import Hummingbird
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// OpenTelemetry spans exported over OTLP/HTTP (protobuf) when `server.otlp_endpoint` is set,
/// through swift-otel's tracer: its W3C propagator continues the caller's `traceparent`, its
/// batch processor queues finished spans (bounded: a full queue drops spans, never a request)
/// and sends them from the background `service`, which flushes at shutdown.
///
/// Each request is a server span `METHOD /path`; a route's prediction adds its stages as child
/// spans: `decode` (body read, parsed and validated), `features`, `inference` (the model and
/// its outputs mapped; with batching, from the queue to the batch's answer) and `encode`. The
/// response's `traceparent` and the access log name the server span, so a log line finds its
/// trace. The OpenTelemetry environment variables (`OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`,
/// `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_EXPORTER_OTLP_HEADERS`, …) adjust the exporter.
public struct RequestTracing: Sendable {
    let tracer: any Tracer
    /// The exporter's background work; run it beside the server.
    public let service: any ServiceLifecycle.Service

    public init(endpoint: String, logger: Logger) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "augur"
        configuration.resourceAttributes = ["service.version": AugurVersion.current]
        configuration.diagnosticLogger = .custom(logger)
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = endpoint + "/v1/traces"
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        tracer = backend.factory
        service = backend.service
    }

    /// The request's server span, a child of the caller's `traceparent` when valid, and the
    /// trace context the response and the log report (the span's own ids).
    func start(_ request: Request, at start: ContinuousClock.Instant) -> (span: any Span, trace: TraceContext) {
        var parent = InstrumentationContext.topLevel
        tracer.extract(request.headers, into: &parent, using: HeaderCarrier())
        let span = tracer.startSpan("\(request.method.rawValue) \(request.uri.path)", context: parent, ofKind: .server,
                                    at: SpanClock().instant(start))
        span.attributes["http.request.method"] = request.method.rawValue
        span.attributes["url.path"] = request.uri.path
        var own = HTTPFields()
        tracer.inject(span.context, into: &own, using: HeaderCarrier())
        let incoming = request.headers[.traceparent].flatMap(TraceContext.parse)
        let trace = own[.traceparent].flatMap { TraceContext(span: $0, parentID: incoming?.parent, state: own[.tracestate]) }
            ?? TraceContext(traceparent: request.headers[.traceparent], tracestate: request.headers[.tracestate])
        return (span, trace)
    }

    /// Ends the server span with the answer's status (5xx is an error, as the HTTP semantic
    /// conventions have it for servers).
    static func end(_ span: any Span, status: Int, modelVersion: String?) {
        span.attributes["http.response.status_code"] = status
        if let modelVersion { span.attributes["augur.model.version"] = modelVersion }
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
        span.end(at: SpanClock().instant(.now))
    }

    /// A route's stages as children of the request span: `decode` from `start` to `decoded`,
    /// then `features`, `inference` and `encode` up to `end`. A stage that failed ends at `end`
    /// and is the last (`decoded` nil: the request was refused while decoding).
    func stages(under span: any Span, route: Route, start: ContinuousClock.Instant, decoded: ContinuousClock.Instant?,
                marks: StageMarks?, predictions: Predictions?, end: ContinuousClock.Instant) {
        span.attributes["augur.route"] = route.name
        span.attributes["augur.model.name"] = route.modelName
        if let predictions { span.attributes["augur.rows"] = predictions.count }
        let clock = SpanClock()
        let context = span.context
        func child(_ name: String, from: ContinuousClock.Instant, to: ContinuousClock.Instant) {
            let stage = tracer.startSpan(name, context: context, ofKind: .internal, at: clock.instant(from))
            if name == "inference", let batch = predictions?.batch {
                stage.attributes["augur.batch.rows"] = batch.rows
                stage.attributes["augur.batch.queue_wait_seconds"] = Double(batch.wait.components.seconds) + Double(batch.wait.components.attoseconds) / 1e18
            }
            stage.end(at: clock.instant(to))
        }
        guard let decoded else { return child("decode", from: start, to: end) }
        child("decode", from: start, to: decoded)
        var last = decoded
        if let built = marks?.featuresBuilt {
            child("features", from: decoded, to: built)
            last = built
        }
        guard let inferred = marks?.inferred else { return child("inference", from: last, to: end) }
        child("inference", from: last, to: inferred)
        if predictions != nil { child("encode", from: inferred, to: end) }
    }
}

/// Monotonic instants as the wall-clock times spans carry: read once per use, so the stages of
/// one request keep their exact durations.
struct SpanClock {
    let wall = DefaultTracerClock.now.nanosecondsSinceEpoch
    let monotonic = ContinuousClock.now

    func instant(_ instant: ContinuousClock.Instant) -> DefaultTracerClock.Instant {
        let ago = monotonic - instant
        let nanos = ago.components.seconds * 1_000_000_000 + ago.components.attoseconds / 1_000_000_000
        return DefaultTracerClock.Instant(nanosecondsSinceEpoch: nanos >= 0 ? wall &- UInt64(nanos) : wall &+ UInt64(-nanos))
    }
}

/// Request and response headers as the propagator's carrier.
struct HeaderCarrier: Extractor, Injector {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }

    func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        if let name = HTTPField.Name(key) { carrier[name] = value }
    }
}
