/// One computation in a plan. Immutable and shared by all requests.
///
/// Operators are built (and their attributes checked) before they join a graph; the graph
/// then asks each for its output types so wiring and types are checked once, at load.
public protocol Operator: Sendable {
    /// Output types for `inputs` (`nil` where an optional input is absent), or a
    /// `EngineError` saying why they cannot work.
    func outputTypes(for inputs: [ValueType?]) throws -> [ValueType]

    /// Runs one batch whose input types already passed `outputTypes(for:)`.
    ///
    /// Returns every output the operator defines, in order; a node may use only a prefix.
    /// Data-dependent problems (a shape that only shows at run time, an index out of range)
    /// throw `EngineError`; nothing here may trap.
    func run(_ inputs: [Value?]) throws -> [Value]
}

extension Operator {
    /// The input at `index` as a tensor, or an error naming the missing input.
    @inlinable
    public func tensor(_ inputs: [Value?], _ index: Int) throws -> Tensor {
        guard index < inputs.count, let value = inputs[index] else {
            throw EngineError(.missingInput, "input \(index) is required.")
        }
        // The role text is built only for the error.
        if case .tensor(let tensor) = value { return tensor }
        return try value.tensor("input \(index)")
    }

    /// The input at `index` when present.
    @inlinable
    public func optionalTensor(_ inputs: [Value?], _ index: Int) throws -> Tensor? {
        guard index < inputs.count, let value = inputs[index] else { return nil }
        if case .tensor(let tensor) = value { return tensor }
        return try value.tensor("input \(index)")
    }

    /// The static type of input `index` as a tensor type, or a load error.
    public func tensorType(_ inputs: [ValueType?], _ index: Int) throws -> TensorType {
        guard index < inputs.count, let type = inputs[index] else {
            throw EngineError(.invalidGraph, "input \(index) is required.")
        }
        guard let tensor = type.tensorType else {
            throw EngineError(.typeMismatch, "input \(index) must be a tensor, not \(type).")
        }
        return tensor
    }
}
