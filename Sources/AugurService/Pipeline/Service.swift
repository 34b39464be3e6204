import AugurEngine
import AugurONNX
import AugurStore
import Foundation

/// A loaded configuration: every model imported and every route built and checked against it.
///
/// Immutable: a reload builds a new `Service` from the new model versions and swaps it in
/// (`ModelRegistry`), so a request sees one consistent set of models from start to end.
public final class Service: Sendable {
    public let configuration: ServiceConfiguration
    /// In file order.
    public let routes: [Route]
    /// The model behind each `models:` entry, by entry name.
    public let models: [String: LoadedModel]
    private let routeIndex: [String: Int]

    /// Builds every route against already loaded models (one per entry); throws `ConfigErrors`
    /// naming file, line and key for each route its model does not fit. A route keeps its drift
    /// window from `previous` (the service a reload replaces) when its reference is unchanged.
    public init(configuration: ServiceConfiguration, models: [String: LoadedModel], previous: Service? = nil) throws {
        self.configuration = configuration
        var reader = ConfigReader(file: configuration.path)
        var routes: [Route] = []
        for route in configuration.routes {
            guard let model = models[route.modelName] else { continue }
            if let built = Self.build(route, model: model, configuration: configuration, previous: previous?.route(named: route.name),
                                      reader: &reader) {
                routes.append(built)
            }
        }
        guard reader.errors.isEmpty else { throw ConfigErrors(reader.errors) }
        self.routes = routes
        self.models = models
        var index: [String: Int] = [:]
        for (i, route) in routes.enumerated() { index[route.name] = i }
        routeIndex = index
    }

    /// Loads every model (files, the store, MLflow), then builds the routes: the one way a
    /// service is loaded (serve, check, predict, tests). A model that fails to load is reported
    /// at its `models:` entry, every failure at once. The CPU work runs on `LoadQueue`.
    public static func load(configuration: ServiceConfiguration, provider: ModelProvider? = nil) async throws -> Service {
        let provider = provider ?? ModelProvider(configuration: configuration)
        var reader = ConfigReader(file: configuration.path)
        var loaded: [String: LoadedModel] = [:]
        for entry in configuration.models {
            do {
                loaded[entry.name] = try await provider.load(entry, at: try await provider.locate(entry))
            } catch {
                reportLoadFailure(entry, error, configuration: configuration, reader: &reader)
            }
        }
        guard reader.errors.isEmpty else { throw ConfigErrors(reader.errors) }
        let models = loaded
        return try await LoadQueue.run { try Service(configuration: configuration, models: models) }
    }

    static func reportLoadFailure(_ entry: ModelEntry, _ error: Error, configuration: ServiceConfiguration, reader: inout ConfigReader) {
        var message = "model '\(entry.name)' cannot be loaded: \(error)"
        if case .store(let reference) = entry.source, (error as? StoreError)?.kind == .notFound, reference.selector == .latest,
           let close = Suggestion.closest(to: reference.name, in: configuration.models.map(\.name).filter { $0 != entry.name }) {
            message += " Did you mean '\(close)' (under models:)?"
        }
        reader.error(line: entry.location.line, path: entry.location.path, .modelUnavailable, message)
    }

    public func route(named name: String) -> Route? {
        routeIndex[name].map { routes[$0] }
    }

    private static func build(_ route: RouteConfiguration, model loaded: LoadedModel, configuration: ServiceConfiguration,
                              previous: Route?, reader: inout ConfigReader) -> Route? {
        let plan = loaded.model.plan
        guard let features = FeatureBuilder.make(route: route, inputs: plan.inputs, reader: &reader) else { return nil }
        if case .list(let list, let location) = route.features, let problem = features.openWidthProblem(plan) {
            reader.error(line: location.line, path: location.path, .modelMismatch,
                         "the model leaves its input's width open, and with these \(list.count) features it fails: \(problem)")
            return nil
        }
        guard let kind = outputKind(plan.outputs, route, reader: &reader) else { return nil }
        let pipeline = PredictionPipeline(schema: route.schema, features: features, plan: plan,
                                          output: OutputMapper(kind: kind, spec: route.output),
                                          maxBatch: configuration.maxBatch, model: ModelIdentity(name: loaded.name, version: loaded.version),
                                          explainer: loaded.explainer, reference: loaded.reference)
        let monitor = loaded.statistics.flatMap { statistics in
            DriftMonitor.make(route: route.name, parameters: route.schema.parameters.map(\.name), features: features, statistics: statistics,
                              modelTag: "\(loaded.name):\(loaded.version)", settings: configuration.monitoring, previous: previous?.monitor)
        }
        return Route(configuration: route, model: loaded, pipeline: pipeline, monitor: monitor)
    }

    /// Classifier (label tensor first, then probabilities) or regressor (first numeric output).
    static func outputKind(_ outputs: [(name: String, type: ValueType)], _ route: RouteConfiguration,
                           reader: inout ConfigReader) -> OutputMapper.Kind? {
        func isLabel(_ type: ValueType) -> Bool {
            guard let t = type.tensorType, [.int64, .int32, .string].contains(t.elementType) else { return false }
            return t.rank == 1 || (t.rank == 2 && t.shape?[1] == 1)
        }
        if let label = outputs.firstIndex(where: { isLabel($0.type) }), outputs.count >= 2 || outputs[label].type.tensorType?.elementType == .string {
            let probabilities = outputs.indices.first { i in
                guard i != label else { return false }
                if case .maps = outputs[i].type { return true }
                return outputs[i].type.tensorType.map { $0.elementType.isFloatingPoint } ?? false
            }
            return .classifier(label: label, probabilities: probabilities)
        }
        if let value = outputs.firstIndex(where: { $0.type.tensorType?.elementType.isNumeric ?? false }) {
            if route.output.labels != nil || route.output.threshold != nil {
                reader.error(line: route.output.location.line, path: route.output.location.path, .modelMismatch,
                             "'labels' and 'threshold' are for classifiers, but model '\(route.modelName)' is a regressor.")
                return nil
            }
            return .regressor(output: value)
        }
        reader.error(line: route.modelLocation.line, path: route.modelLocation.path, .modelMismatch,
                     "model '\(route.modelName)' has no output Augur can map to a prediction (outputs: \(outputs.map { "'\($0.name)' \($0.type)" }.joined(separator: ", "))).")
        return nil
    }
}
