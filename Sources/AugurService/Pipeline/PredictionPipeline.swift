import AugurEngine

/// The validated parameter values of one or more rows, from any decoder (JSON body, query,
/// CSV, tensors): what a pipeline predicts from. Only a decoder of this module makes one, so
/// holding one means every value passed its parameter's checks and the route's rules.
public struct ParameterRows: Sendable, Equatable {
    /// `count × parameters` values, row-major.
    let storage: [ParameterValue]
    public let count: Int
    /// Whether the rows came as a batch (array, `instances`, CSV, tensors) or as one object.
    public let isBatch: Bool
}

/// When a request's pipeline stages ended, for its trace (`server.otlp_endpoint`): features
/// built, model run and outputs mapped. A batched request notes only the second (its features
/// were built with the batch).
public struct StageMarks: Sendable {
    public var featuresBuilt: ContinuousClock.Instant?
    public var inferred: ContinuousClock.Instant?
    public init() {}
}

/// The transport-free prediction path of one route: decode (the `decode` methods) → rules →
/// features → `Plan.run` → output mapping, returning typed `Predictions`.
///
/// Built once per route at load, immutable and shared by all requests. Every adapter (HTTP
/// routes, the protocols, `augur predict`) is a decoder into `ParameterRows` and an encoder
/// of `Predictions` around `predict(_:)`; no adapter maps outputs itself.
public struct PredictionPipeline: Sendable {
    let schema: RouteSchema
    let features: FeatureBuilder
    let plan: Plan
    let output: OutputMapper
    /// The most rows a request body may hold (`server.max_batch`).
    public let maxBatch: Int
    public let model: ModelIdentity
    /// The plan's output names, shared by every `Predictions`.
    let outputNames: [String]
    /// Whether `explain(_:)` can answer, decided at load from the model's reference rows.
    public let explanation: ExplanationSupport

    init(schema: RouteSchema, features: FeatureBuilder, plan: Plan, output: OutputMapper, maxBatch: Int, model: ModelIdentity,
         explainer: Result<ModelExplainer, ModelExplainer.Unavailable>? = nil, reference: ReferenceRows? = nil) {
        self.schema = schema
        self.features = features
        self.plan = plan
        self.output = output
        self.maxBatch = maxBatch
        self.model = model
        outputNames = plan.outputs.map(\.name)
        explanation = RouteExplainer.make(model: explainer, sample: reference, features: features,
                                          parameterNames: schema.parameters.map(\.name), isClassifier: output.isClassifier)
    }

    /// Rows above this run through `Plan.run(rows:)` in chunks.
    static let chunkRows = 4096

    /// The predictions for validated rows; a 500 `inference_failed` when the model fails.
    public func predict(_ rows: ParameterRows) throws(RequestError) -> Predictions {
        var untimed: StageMarks? = nil
        return try predict(rows, stages: &untimed)
    }

    /// The same, noting when the features were built and the model answered in `stages` when
    /// it is not nil (a traced request's spans).
    public func predict(_ rows: ParameterRows, stages: inout StageMarks?) throws(RequestError) -> Predictions {
        let feeds = rows.count > 0 ? try build(rows) : []
        stages?.featuresBuilt = .now
        let predictions = try predict(rows, feeds: feeds)
        stages?.inferred = .now
        return predictions
    }

    /// The predictions for rows whose model inputs are already built.
    private func predict(_ rows: ParameterRows, feeds: [Value]) throws(RequestError) -> Predictions {
        let outputs = rows.count > 0 ? try run(feeds, rows: rows.count) : []
        return Predictions(isBatch: rows.isBatch, count: rows.count, outcome: try output.map(outputs, rows: rows.count),
                           model: model, outputs: outputs, outputNames: outputNames)
    }

    /// The predictions for validated rows with each row's explanation (`Predictions.explanations`):
    /// a 404 `explanation_unavailable` saying why when the route cannot explain, a 422
    /// `too_long` above the rows one request may explain.
    public func explain(_ rows: ParameterRows) throws(RequestError) -> Predictions {
        guard case .available(let explainer) = explanation else {
            if case .unavailable(let reason) = explanation { throw .explanationUnavailable(reason) }
            throw .explanationUnavailable("")
        }
        guard rows.count <= explainer.maxRows else {
            throw .validation([Issue(type: .tooLong, loc: ["body"],
                                     msg: "This model explains at most \(explainer.maxRows) row\(explainer.maxRows == 1 ? "" : "s") per request, not \(rows.count)",
                                     input: nil)])
        }
        guard rows.count > 0 else { return try predict(rows) }
        // The features once, for the prediction and its explanation.
        let feeds = try build(rows)
        let predictions = try predict(rows, feeds: feeds)
        do {
            return predictions.with(explanations: try explainer.explain(feeds, rows: rows, parameterCount: schema.parameters.count))
        } catch {
            throw RequestError.inferenceFailed("The model could not be explained on this input: \(error).")
        }
    }

    /// The model's input tensors for validated rows, named, in signature order: what
    /// `predict(_:)` feeds the plan (`augur predict --model-io` shows them).
    public func modelInputs(_ rows: ParameterRows) throws(RequestError) -> [(name: String, value: Value)] {
        let feeds = try build(rows)
        return Array(zip(plan.inputs.map(\.name), feeds)).map { ($0, $1) }
    }

    /// The features and the plan's outputs.
    private func build(_ rows: ParameterRows) throws(RequestError) -> [Value] {
        try features.build(rows.storage, rows: rows.count, parameterCount: schema.parameters.count, batch: rows.isBatch)
    }

    /// The plan's outputs for `count` rows of model inputs.
    private func run(_ feeds: [Value], rows count: Int) throws(RequestError) -> [Value] {
        do {
            return count > Self.chunkRows ? try plan.run(rows: feeds, chunkSize: Self.chunkRows) : try plan.run(feeds)
        } catch {
            throw RequestError.inferenceFailed("The model failed on this input: \(error).")
        }
    }
}
