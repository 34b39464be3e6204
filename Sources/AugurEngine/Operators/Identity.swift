/// Passes its input through unchanged.
public struct Identity: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        guard let type = inputs.first ?? nil else { throw EngineError(.invalidGraph, "input 0 is required.") }
        return [type]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        guard let value = inputs.first ?? nil else { throw EngineError(.missingInput, "input 0 is required.") }
        return [value]
    }
}
