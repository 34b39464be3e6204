/// A computation graph of engine operators, before it is checked and turned into a `Plan`.
///
/// Values are named; an empty input name marks an absent optional input.
public struct Graph: Sendable {
    public struct Node: Sendable {
        /// Name used in messages: `'name' (OpType)`.
        public var label: String
        public var op: any Operator
        public var inputs: [String]
        public var outputs: [String]

        public init(label: String, op: any Operator, inputs: [String], outputs: [String]) {
            self.label = label
            self.op = op
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    public struct Input: Sendable {
        public var name: String
        public var type: ValueType
        public init(name: String, type: ValueType) {
            self.name = name
            self.type = type
        }
    }

    public struct Output: Sendable {
        public var name: String
        /// The type the model declares, checked against the inferred one where both are known.
        public var declaredType: ValueType?
        public init(name: String, declaredType: ValueType? = nil) {
            self.name = name
            self.declaredType = declaredType
        }
    }

    public var inputs: [Input]
    public var constants: [String: Value]
    public var nodes: [Node]
    public var outputs: [Output]

    public init(inputs: [Input], constants: [String: Value], nodes: [Node], outputs: [Output]) {
        self.inputs = inputs
        self.constants = constants
        self.nodes = nodes
        self.outputs = outputs
    }
}
