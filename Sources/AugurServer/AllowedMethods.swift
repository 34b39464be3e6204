import AugurService
import Hummingbird

/// Which methods each of the server's paths answers, so that a request the router does not
/// match is told 405 (with `Allow`) rather than 404 when its path exists, and is answered in the
/// error shape of the protocol the path belongs to.
struct AllowedMethods: Sendable {
    /// Whose error shape a path answers in.
    enum Shape: Sendable {
        /// Augur's own `{"detail": [...]}`.
        case own
        /// The Open Inference Protocol's and KServe v1's `{"error": "..."}`.
        case protocolError
        /// MLflow's `{"error_code", "message"}`.
        case mlflow
    }

    private struct Entry: Sendable {
        /// Path segments; `{name}` matches any segment, `{name}:verb` any segment ending in `:verb`.
        let segments: [Substring]
        let methods: [HTTPRequest.Method]
        let shape: Shape
    }

    private var entries: [Entry] = []

    /// `path` is a literal path or a template such as `/v2/models/{model}/infer`.
    mutating func add(_ path: String, _ methods: [HTTPRequest.Method], _ shape: Shape = .own) {
        entries.append(Entry(segments: path.split(separator: "/"), methods: methods, shape: shape))
    }

    /// The methods `path` answers and its shape; nil when no endpoint has that path. A path
    /// under `/v1/` or `/v2/` that matches nothing still answers 404 in the protocol's shape.
    func lookup(_ path: String) -> (methods: [HTTPRequest.Method], shape: Shape)? {
        let segments = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        var shape = Shape.own
        for entry in entries where Self.matches(entry.segments, segments) {
            for method in entry.methods where !methods.contains(method) { methods.append(method) }
            shape = entry.shape
        }
        return methods.isEmpty ? nil : (methods, shape)
    }

    /// The shape of a 404 at `path`.
    static func notFoundShape(_ path: String) -> Shape {
        path == "/v1" || path == "/v2" || path.hasPrefix("/v1/") || path.hasPrefix("/v2/") ? .protocolError : .own
    }

    private static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        guard template.count == segments.count else { return false }
        for (t, s) in zip(template, segments) where t != s {
            guard t.first == "{", let close = t.firstIndex(of: "}") else { return false }
            let suffix = t[t.index(after: close)...]
            // `{name}` alone is a plain name: `loan:predict` is the `{model}:predict` endpoint's.
            guard s.count > suffix.count, s.hasSuffix(suffix), !s.dropLast(suffix.count).contains(":") else { return false }
        }
        return true
    }
}
