/// One prediction endpoint (`POST/GET /{name}`): its parameters, model and prediction pipeline.
///
/// Immutable and shared by all requests; `predict` validates, builds features, runs the plan
/// and maps the outputs, and never traps on any input.
public struct Route: Sendable {
    /// The URL segment.
    public let name: String
    public let summary: String
    public let description: String
    /// For OpenAPI, docs and UI: name, type, required, default, constraints, docs, options.
    public let parameters: [Parameter]
    public let modelName: String
    public let modelVersion: String

    /// JSON Schema (OpenAPI 3.1 dialect) of one request object.
    public func requestSchema() -> JSONValue {
        .object(JSONObject([("type", "object")]))
    }

    /// JSON Schema of one response.
    public func responseSchema() -> JSONValue {
        .object(JSONObject([("type", "object")]))
    }

    /// An example request object, from the parameters' examples and defaults.
    public func exampleRequest() -> JSONValue {
        .object(JSONObject())
    }

    /// Body: an object → one prediction; an array or `{"instances": [...]}` → a batch (≤ maxBatch).
    public func predict(body: JSONValue) throws(RequestError) -> JSONValue {
        throw RequestError.inferenceFailed("Prediction is not implemented yet.")
    }

    /// GET `?name=value…`: values converted by parameter type (kedro style).
    public func predict(query: [(String, String)]) throws(RequestError) -> JSONValue {
        throw RequestError.inferenceFailed("Prediction is not implemented yet.")
    }
}
