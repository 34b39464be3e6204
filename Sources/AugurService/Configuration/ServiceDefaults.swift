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
    /// `server.allow_unknown_fields` (and a route's `allow_unknown_fields`): unknown fields are 422 `extra_forbidden`.
    public static let allowUnknownFields = false
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
