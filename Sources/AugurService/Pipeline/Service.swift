import AugurEngine
import AugurONNX
import AugurStore
import Foundation

/// A loaded configuration: every model imported and every route built and checked against it.
public final class Service: Sendable {
    public let configuration: ServiceConfiguration
    /// In file order.
    public let routes: [Route]
    private let routeIndex: [String: Int]

    /// Loads every model and builds every route; throws `ConfigErrors` naming file, line and key
    /// (a model that fails to load is reported at its `models:` entry).
    public init(configuration: ServiceConfiguration, importer: ONNXImporter = ONNXImporter()) throws {
        self.configuration = configuration
        var reader = ConfigReader(file: configuration.path)
        var loaded: [String: (model: ONNXModel, version: String)] = [:]
        for entry in configuration.models where loaded[entry.path] == nil {
            do {
                let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: entry.path)))
                let model = try importer.load(bytes: Data(bytes))
                loaded[entry.path] = (model, String(SHA256.hex(bytes).prefix(ServiceDefaults.versionDigits)))
            } catch {
                reader.error(line: entry.location.line, path: entry.location.path, "model '\(entry.name)' cannot be loaded: \(error)")
            }
        }
        var routes: [Route] = []
        for route in configuration.routes {
            guard let entry = configuration.models.first(where: { $0.name == route.modelName }),
                  let (model, version) = loaded[entry.path] else { continue }
            if let built = Self.build(route, model: model, version: version, configuration: configuration, reader: &reader) {
                routes.append(built)
            }
        }
        guard reader.errors.isEmpty else { throw ConfigErrors(reader.errors) }
        self.routes = routes
        var index: [String: Int] = [:]
        for (i, route) in routes.enumerated() { index[route.name] = i }
        routeIndex = index
    }

    public func route(named name: String) -> Route? {
        routeIndex[name].map { routes[$0] }
    }

    private static func build(_ route: RouteConfiguration, model: ONNXModel, version: String,
                              configuration: ServiceConfiguration, reader: inout ConfigReader) -> Route? {
        guard let features = FeatureBuilder.make(route: route, inputs: model.plan.inputs, reader: &reader) else { return nil }
        guard let kind = outputKind(model.plan.outputs, route, reader: &reader) else { return nil }
        let modelJSON: JSONValue = .object(JSONObject([("name", .string(route.modelName)), ("version", .string(version))]))
        let pipeline = RoutePipeline(schema: route.schema, features: features, plan: model.plan,
                                     output: OutputMapper(kind: kind, spec: route.output),
                                     maxBatch: configuration.maxBatch, model: modelJSON)
        return Route(configuration: route, modelVersion: version, pipeline: pipeline)
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
                reader.error(line: route.output.location.line, path: route.output.location.path,
                             "'labels' and 'threshold' are for classifiers, but model '\(route.modelName)' is a regressor.")
                return nil
            }
            return .regressor(output: value)
        }
        reader.error(line: route.modelLocation.line, path: route.modelLocation.path,
                     "model '\(route.modelName)' has no output Augur can map to a prediction (outputs: \(outputs.map { "'\($0.name)' \($0.type)" }.joined(separator: ", "))).")
        return nil
    }
}
