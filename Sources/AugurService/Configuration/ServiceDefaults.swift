/// Every default a user can leave out of `augur.yaml`, in one place.
public enum ServiceDefaults {
    /// `server.host`: loopback only, so a fresh service is not exposed by accident.
    public static let host = "127.0.0.1"
    /// `server.port`.
    public static let port = 8000
    /// `server.max_body_bytes`: 1 MiB.
    public static let maxBodyBytes = 1_048_576
    /// `server.max_batch`: the most rows one request may hold.
    public static let maxBatch = 1000
    /// The longest value a `str` parameter takes when it sets no `max_length`, in characters
    /// (a message for a text model, a name): bounded, so that a request cannot make a model
    /// tokenize megabytes.
    public static let maxLength = 10_000
    /// `server.allow_unknown_fields` (and a route's `allow_unknown_fields`): unknown fields are 422 `extra_forbidden`.
    public static let allowUnknownFields = false
    /// The end-user forms at /ui.
    public static let ui = true
    /// Prometheus metrics at /metrics.
    public static let metrics = true
    /// Log lines as text (`server.log_format`), else one JSON object per line.
    public static let logFormat = LogFormat.text
    /// `server.reload_interval`: seconds between checks for a new model version (0: off).
    public static let reloadInterval = 30.0
    /// `server.cors.allow_methods`.
    public static let corsAllowMethods = ["GET", "POST"]
    /// `server.cors.allow_headers`: what Augur's clients send besides the CORS-safelisted headers.
    public static let corsAllowHeaders = ["Authorization", "Content-Type", "X-API-Key", "X-Request-ID", "Inference-Header-Content-Length"]
    /// `server.cors.max_age`: seconds a browser may cache a preflight's answer.
    public static let corsMaxAge = 600
    /// The shortest key `server.auth` accepts (and the `--admin` token).
    public static let minimumAPIKeyLength = 16
    /// `server.header_timeout`: seconds for a complete request head (nginx's client_header_timeout, shortened).
    public static let headerTimeout = 10.0
    /// `server.idle_timeout`: seconds a kept-alive connection may wait for its next request; longer
    /// than the 60 s idle timeout of common load balancers, as nginx's 75 s keepalive_timeout.
    public static let idleTimeout = 75.0
    /// `server.body_timeout`: seconds between two reads of a request body (nginx's client_body_timeout).
    public static let bodyTimeout = 60.0
    /// `server.request_timeout`: seconds from a request's head to the end of its response.
    public static let requestTimeout = 60.0
    /// `server.max_connections`: open connections at most (nginx's usual worker_connections).
    public static let maxConnections = 1024
    /// `server.drain_timeout`: seconds in-flight requests get to finish on SIGTERM, under
    /// Kubernetes' 30 s termination grace period.
    public static let drainTimeout = 25.0
    /// After an early answer (413 while the body still arrives), the body is read and discarded
    /// until the client stops sending for this many seconds (nginx's lingering_timeout)…
    public static let lingerTimeout = 2.0
    /// …or for this many seconds in all (nginx's lingering_time); then the connection closes.
    public static let lingerTime = 30.0
    /// `service.version`.
    public static let version = "1.0.0"
    /// The deepest JSON nesting a request body may have.
    public static let maxJSONDepth = 64
    /// A parameter's `required` when it has no `default`.
    public static let required = true
    /// A parameter's `nullable`.
    public static let nullable = false
    /// A route's `output.probabilities`.
    public static let probabilities = true
    /// A binary classifier route's `output.threshold`: positive class when P(class 1) ≥ threshold.
    public static let threshold = 0.5
    /// The configuration file looked for in a folder.
    public static let fileName = "augur.yaml"
    /// Hex digits of the model file's SHA-256 used as its version.
    public static let versionDigits = 12
}
