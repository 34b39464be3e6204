import AugurStore
/// Where a checked item came from in the configuration file.
struct SourceLocation: Sendable {
    let line: Int?
    let path: String
}

/// A feature expression and where it was written.
struct FeatureExpression: Sendable {
    let expression: Expression
    let location: SourceLocation
}

/// How parameters become model inputs.
enum FeatureSpec: Sendable {
    /// No `features:`: each model input binds to the parameter of the same name (or, for a
    /// single [N, k] input with k parameters, the parameters in order).
    case byName
    /// One [N, k] input: k expressions in model order.
    case list([FeatureExpression], SourceLocation)
    /// `input_name: EXPR` for multi-input models.
    case map([(input: String, feature: FeatureExpression)], SourceLocation)
}

/// A route's `output:` block.
struct OutputSpec: Sendable {
    /// Class code → user-facing label, in file order.
    var labels: [(code: JSONValue, label: String)]? = nil
    var probabilities = ServiceDefaults.probabilities
    var threshold: Double? = nil
    var round: Int? = nil
    var unit: String? = nil
    var location = SourceLocation(line: nil, path: "")
}

/// A model named under `models:` (or referenced directly from a route).
public struct ModelEntry: Sendable {
    /// The key under `models:`, or the reference as a route wrote it.
    public let name: String
    public let source: ModelSource
    let location: SourceLocation
    /// Canonical path of the reference-data CSV (`reference:`), in the model's input columns:
    /// what explanations count node covers and lineage on.
    public var reference: String? = nil
}

/// Where a model's bytes come from.
public enum ModelSource: Sendable, Hashable, CustomStringConvertible {
    /// Canonical absolute path of an .onnx file.
    case file(String)
    /// The local model store: `name`, `name:version`, `name@alias`.
    case store(ModelReference)
    /// The MLflow Model Registry: `models:/name/version`, `models:/name@alias`, `models:/name/latest`.
    case mlflow(String)

    public var description: String {
        switch self {
        case .file(let path): return path
        case .store(let reference): return reference.description
        case .mlflow(let uri): return uri
        }
    }

    /// True when the version behind the source can change while serving (latest, aliases, a file).
    public var canChange: Bool {
        switch self {
        case .file: return true
        case .store(let reference): return reference.isMoving
        case .mlflow(let uri): return (try? MLflowReference(parsing: uri))?.isMoving ?? false
        }
    }
}

/// A parsed route, checked against its own parameters but not yet against the model.
struct RouteConfiguration: Sendable {
    let name: String
    let location: SourceLocation
    let modelName: String
    let modelLocation: SourceLocation
    let summary: LocalizedText
    let description: LocalizedText
    let schema: RouteSchema
    let features: FeatureSpec
    let output: OutputSpec
    /// `batching:`; nil: each request runs on its own.
    var batching: BatchingSettings? = nil
    /// `log:`; nil: predictions are not recorded.
    var log: PredictionLogSettings? = nil
}
