/// Why a model cannot be loaded: stable code, the node it concerns, and one sentence.
public struct ModelLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidFile = "invalid_file"
        case invalidGraph = "invalid_graph"
        case invalidAttribute = "invalid_attribute"
        case missingAttribute = "missing_attribute"
        case unsupportedOperator = "unsupported_operator"
        case unsupportedType = "unsupported_type"
        case unsupportedFeature = "unsupported_feature"
        case typeMismatch = "type_mismatch"
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

/// Why one run of a plan failed: inputs that do not fit, or data an operator rejects.
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case missingInput = "missing_input"
        case typeMismatch = "type_mismatch"
        case shapeMismatch = "shape_mismatch"
        case invalidValue = "invalid_value"
        case tooLarge = "too_large"
    }

    public let code: Code
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
