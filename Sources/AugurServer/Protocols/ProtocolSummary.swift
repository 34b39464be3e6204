import AugurService
import AugurV2

/// What the standard protocols serve for a service: for the start-up banner, `/readyz` and
/// `augur check`.
public struct ProtocolSummary: Sendable {
    /// V2 model names: every route, then every raw model no route name hides.
    public let v2Models: [String]
    /// KServe v1 models: the routes.
    public let v1Models: [String]
    /// The route `/invocations` serves, or nil with `whyNoInvocations` saying why.
    public let invocationsRoute: String?
    public let whyNoInvocations: String?

    public init(_ service: Service) {
        v2Models = V2Catalog(service: service).models.map(\.name)
        v1Models = service.routes.map(\.name)
        invocationsRoute = service.configuration.invocationsRoute
        whyNoInvocations = invocationsRoute == nil
            ? "off: the configuration has \(service.routes.count) routes; set server.invocations_route to choose one" : nil
    }

    /// `(protocol, where, what)` lines.
    public var lines: [(String, String, String)] {
        [("V2 (REST)", "/v2/models/{model}/infer", "models " + v2Models.joined(separator: ", ")),
         ("KServe v1", "/v1/models/{model}:predict", "models " + v1Models.joined(separator: ", ")),
         ("MLflow", "/invocations", invocationsRoute.map { "route \($0)" } ?? whyNoInvocations ?? "")]
    }

    var json: JSONValue {
        .object(JSONObject([
            ("v2", .object(JSONObject([("models", .array(v2Models.map { .string($0) }))]))),
            ("kserve_v1", .object(JSONObject([("models", .array(v1Models.map { .string($0) }))]))),
            ("mlflow", .object(JSONObject([("invocations_route", invocationsRoute.map { .string($0) } ?? .null)]))),
        ]))
    }
}
