/// Why the engine refuses a model or a run: a stable code, the node it concerns, and one
/// sentence. One type for both stages: a load (decoding, checking, compiling, folding
/// constants) and a run of a plan (inputs that do not fit, data an operator rejects); the
/// code tells which.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        // A model that cannot be loaded.
        case invalidFile = "invalid_file"
        case invalidGraph = "invalid_graph"
        case invalidAttribute = "invalid_attribute"
        case missingAttribute = "missing_attribute"
        case unsupportedOperator = "unsupported_operator"
        case unsupportedType = "unsupported_type"
        case unsupportedFeature = "unsupported_feature"
        // Either stage: a value of the wrong element type.
        case typeMismatch = "type_mismatch"
        // A run that cannot complete.
        case missingInput = "missing_input"
        case shapeMismatch = "shape_mismatch"
        case invalidValue = "invalid_value"
        case tooLarge = "too_large"
    }

    public let code: Code
    /// The node as `'name' (OpType)`, when the problem belongs to one node.
    public var node: String?
    public let message: String

    public init(_ code: Code, node: String? = nil, _ message: String) {
        self.code = code
        self.node = node
        self.message = message
    }

    public var description: String {
        node.map { "node \($0): \(message)" } ?? message
    }
}
