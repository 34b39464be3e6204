/// 1 where an element is above the threshold, else 0, in the input's type (onnxruntime's
/// `Binarizer`: a NaN input is an error).
public struct Binarizer: Operator {
    public let threshold: Float

    public init(threshold: Float) { self.threshold = threshold }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        try MLTensorSupport.requireNumeric(x)
        return [.tensor(x)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let storage: TensorStorage
        switch x.storage {
        case .float32(let v):
            try rejectNaN(v.firstIndex { $0.isNaN })
            storage = .float32(v.map { $0 > threshold ? 1 : 0 })
        case .float64(let v):
            try rejectNaN(v.firstIndex { $0.isNaN })
            storage = .float64(v.map { $0 > Double(threshold) ? 1 : 0 })
        case .int64(let v): storage = .int64(v.map { Float($0) > threshold ? 1 : 0 })
        case .int32(let v): storage = .int32(v.map { Float($0) > threshold ? 1 : 0 })
        case .bool, .string:
            throw EngineError(.typeMismatch, "input 0 must be numeric, not \(x.elementType).")
        }
        return [.tensor(Tensor(unchecked: x.shape, storage))]
    }

    private func rejectNaN(_ index: Int?) throws {
        if let index { throw EngineError(.invalidValue, "input element \(index) is NaN.") }
    }
}
