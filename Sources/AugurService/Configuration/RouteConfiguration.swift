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

/// A model named under `models:` (or referenced by path from a route).
struct ModelEntry: Sendable {
    let name: String
    /// Canonical absolute path of the .onnx file.
    let path: String
    let location: SourceLocation
}

/// A parsed route, checked against its own parameters but not yet against the model.
struct RouteConfiguration: Sendable {
    let name: String
    let location: SourceLocation
    let modelName: String
    let modelLocation: SourceLocation
    let summary: String
    let description: String
    let schema: RouteSchema
    let features: FeatureSpec
    let output: OutputSpec
}
