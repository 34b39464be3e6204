/// One prediction endpoint (`POST/GET /{name}`): its parameters, model and prediction pipeline.
///
/// Immutable and shared by all requests; its `pipeline` validates, builds features, runs the
/// plan and maps the outputs, and never traps on any input.
public struct Route: Sendable {
    /// The URL segment.
    public let name: String
    public let summary: String
    public let description: String
    /// Both per language, when `augur.yaml` gives them so (the forms at /ui read them).
    public let localizedSummary: LocalizedText
    public let localizedDescription: LocalizedText
    /// The summary, else the name made readable (`loan_status` → "Loan status").
    public var title: String { summary.isEmpty ? RouteParser.title(name) : summary }
    /// For OpenAPI, docs and UI: name, type, required, default, constraints, docs, options.
    public let parameters: [Parameter]
    /// The model's name as responses report it (store, MLflow or `models:` name).
    public let modelName: String
    public let modelVersion: String
    /// The `models:` entry (or reference) the route is configured with.
    public let modelEntry: String
    /// True for classifiers (label responses), false for regressors.
    public let isClassifier: Bool
    /// Decoders, `predict`, typed predictions: everything between a transport and its encoder.
    public let pipeline: PredictionPipeline
    /// Adaptive batching (`batching:`), nil when off.
    public let batcher: RouteBatcher?
    /// Drift against the model's training data (`monitoring:`), nil without reference statistics.
    public let monitor: DriftMonitor?
    /// The prediction log (`log:`), nil when off.
    public let log: PredictionLog?
    /// The measured time per row, which decides where predictions run.
    let cost = RunCost()
    /// Class labels in probability order when known from `output.labels`, for the response schema.
    let labels: [String]
    let unit: String?
    let probabilities: Bool

    init(configuration: RouteConfiguration, model: LoadedModel, pipeline: PredictionPipeline, monitor: DriftMonitor? = nil) {
        name = configuration.name
        summary = configuration.summary.text
        description = configuration.description.text
        localizedSummary = configuration.summary
        localizedDescription = configuration.description
        parameters = configuration.schema.parameters.map(\.parameter)
        modelName = model.name
        modelVersion = model.version
        modelEntry = configuration.modelName
        isClassifier = pipeline.output.isClassifier
        self.pipeline = pipeline
        batcher = configuration.batching.map { RouteBatcher(pipeline: pipeline, settings: $0) }
        labels = configuration.output.labels?.map(\.label) ?? []
        unit = configuration.output.unit
        probabilities = configuration.output.probabilities
        self.monitor = monitor
        log = configuration.log.map { PredictionLog.writer(for: $0) }
    }

    /// Validated rows predicted: through the batcher when the route batches, else at once.
    public func predict(_ rows: ParameterRows) async throws(RequestError) -> Predictions {
        var untimed: StageMarks? = nil
        return try await predict(rows, stages: &untimed)
    }

    /// The same, noting when its stages ended in `stages` when it is not nil.
    ///
    /// Without batching, a prediction expected to take longer than `RunCost.inlineBudget` (its
    /// rows times the route's measured time per row) runs on the `ComputePool`, the others
    /// inline.
    ///
    /// The rows predicted are noted by the route's drift monitor and prediction log.
    public func predict(_ rows: ParameterRows, stages: inout StageMarks?) async throws(RequestError) -> Predictions {
        do {
            let predictions = try await run(rows, stages: &stages)
            observe(rows, predictions)
            return predictions
        } catch {
            observe(rows, failure: error)
            throw error
        }
    }

    private func observe(_ rows: ParameterRows, _ predictions: Predictions) {
        monitor?.observe(rows)
        log?.record(route: name, model: predictions.model, rows: rows, parameters: parameterNames, predictions: predictions, status: 200)
    }

    /// A failure after validation (the model failed, or the queue was full) is logged with its status.
    private func observe(_ rows: ParameterRows, failure: RequestError) {
        log?.record(route: name, model: pipeline.model, rows: rows, parameters: parameterNames, predictions: nil,
                    status: failure.statusCode, error: failure.issues.first?.msg)
    }

    private var parameterNames: [String] { parameters.map(\.name) }

    private func run(_ rows: ParameterRows, stages: inout StageMarks?) async throws(RequestError) -> Predictions {
        if let batcher {
            let predictions = try await batcher.predict(rows)
            stages?.inferred = .now
            return predictions
        }
        let started = RunCost.now
        defer { cost.record(rows: rows.count, since: started) }
        guard cost.runsLong(rows.count) else { return try pipeline.predict(rows, stages: &stages) }
        let (pipeline, marks) = (pipeline, stages)
        let (predictions, ended) = try await ComputePool.run { () throws(RequestError) in
            var marks = marks
            return (try pipeline.predict(rows, stages: &marks), marks)
        }
        stages = ended
        return predictions
    }

    /// Validated rows predicted with their explanations (`PredictionPipeline.explain`), on the
    /// `ComputePool`: an explanation costs tens to hundreds of microseconds per row.
    public func explain(_ rows: ParameterRows) async throws(RequestError) -> Predictions {
        do {
            let predictions = try await ComputePool.run { [pipeline] () throws(RequestError) in try pipeline.explain(rows) }
            observe(rows, predictions)
            return predictions
        } catch {
            observe(rows, failure: error)
            throw error
        }
    }

    /// A JSON body decoded (`PredictionPipeline.decode(body:)`) and predicted.
    public func predict(body: JSONValue) throws(RequestError) -> Predictions {
        try pipeline.predict(pipeline.decode(body: body))
    }

    /// GET `?name=value…` decoded (`PredictionPipeline.decode(query:)`) and predicted.
    public func predict(query: [(String, String)]) throws(RequestError) -> Predictions {
        try pipeline.predict(pipeline.decode(query: query))
    }
}
