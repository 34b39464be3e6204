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
    /// The model's name as responses report it (store, MLflow or `models:` name).
    public let modelName: String
    public let modelVersion: String
    /// The `models:` entry (or reference) the route is configured with.
    public let modelEntry: String
    /// True for classifiers (label responses), false for regressors.
    public let isClassifier: Bool
    let pipeline: RoutePipeline
    /// Class labels in probability order when known from `output.labels`, for the response schema.
    let labels: [String]
    let unit: String?
    let probabilities: Bool

    init(configuration: RouteConfiguration, model: LoadedModel, pipeline: RoutePipeline) {
        name = configuration.name
        summary = configuration.summary
        description = configuration.description
        parameters = configuration.schema.parameters.map(\.parameter)
        modelName = model.name
        modelVersion = model.version
        modelEntry = configuration.modelName
        isClassifier = pipeline.output.isClassifier
        self.pipeline = pipeline
        labels = configuration.output.labels?.map(\.label) ?? []
        unit = configuration.output.unit
        probabilities = configuration.output.probabilities
    }

    /// Body: an object → one prediction; an array or `{"instances": [...]}` → a batch (≤ maxBatch).
    public func predict(body: JSONValue) throws(RequestError) -> JSONValue {
        try pipeline.predict(body: body)
    }

    /// A request body's JSON text: the same answer (or error) as `predict(body: parser.parse(bytes))`,
    /// with the usual single-object request read straight from the bytes.
    public func predict(json bytes: UnsafeRawBufferPointer, parser: JSONParser) throws(RequestError) -> JSONValue {
        try bytes.withMemoryRebound(to: UInt8.self) { bytes throws(RequestError) in try pipeline.predict(json: bytes, parser: parser) }
    }

    /// The response body (compact JSON text) for a request body: exactly
    /// `predict(json: bytes, parser: parser).serialized()`, written without building the
    /// response value for the usual single-object request.
    public func predictJSON(json bytes: UnsafeRawBufferPointer, parser: JSONParser) throws(RequestError) -> [UInt8] {
        try bytes.withMemoryRebound(to: UInt8.self) { bytes throws(RequestError) in try pipeline.predictJSON(json: bytes, parser: parser) }
    }

    /// GET `?name=value…`: values converted by parameter type (kedro style).
    public func predict(query: [(String, String)]) throws(RequestError) -> JSONValue {
        try pipeline.predict(query: query)
    }
}
