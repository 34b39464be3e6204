/// Replaces elements equal to one value (NaN matches NaN) with a per-feature or single
/// imputed value (onnxruntime's `Imputer`: when the value count is not the feature count,
/// the first value is used for every feature).
public struct Imputer: Operator {
    /// What to replace and with what, by input kind.
    public enum Rule: Sendable, Equatable {
        /// For float and double inputs.
        case float(imputed: [Float], replaced: Float)
        /// For int64 and int32 inputs.
        case int64(imputed: [Int64], replaced: Int64)

        var count: Int {
            switch self {
            case .float(let v, _): v.count
            case .int64(let v, _): v.count
            }
        }
    }

    public let rule: Rule

    /// Throws when no imputed value is given.
    public init(rule: Rule) throws {
        guard rule.count > 0 else { throw EngineError(.invalidAttribute, "an imputer needs at least one imputed value.") }
        self.rule = rule
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        switch (rule, x.elementType) {
        case (.float, .float32), (.float, .float64), (.int64, .int64):
            break
        case (.int64(let imputed, _), .int32):
            if let bad = imputed.first(where: { Int32(exactly: $0) == nil }) {
                throw EngineError(.typeMismatch, "imputed value '\(bad)' does not fit the int32 input.")
            }
        case (.float, _):
            throw EngineError(.typeMismatch, "input 0 is \(x.elementType) but the imputed values are floats.")
        case (.int64, _):
            throw EngineError(.typeMismatch, "input 0 is \(x.elementType) but the imputed values are integers.")
        }
        if x.rank == 0 { throw EngineError(.typeMismatch, "input 0 must have at least one dimension.") }
        return [.tensor(x)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard let stride = MLTensorSupport.featureStride(x.shape) else {
            throw EngineError(.shapeMismatch, "input 0 must have at least one dimension.")
        }
        let storage: TensorStorage
        switch (rule, x.storage) {
        case (.float(let imputed, let replaced), .float32(let v)):
            storage = .float32(impute(v, stride: stride, values: imputed) { $0 == replaced || ($0.isNaN && replaced.isNaN) })
        case (.float(let imputed, let replaced), .float64(let v)):
            let values = imputed.map(Double.init)
            storage = .float64(impute(v, stride: stride, values: values) { $0 == Double(replaced) || ($0.isNaN && replaced.isNaN) })
        case (.int64(let imputed, let replaced), .int64(let v)):
            storage = .int64(impute(v, stride: stride, values: imputed) { $0 == replaced })
        case (.int64(let imputed, let replaced), .int32(let v)):
            let values = imputed.map { Int32(truncatingIfNeeded: $0) }
            storage = .int32(impute(v, stride: stride, values: values) { Int64($0) == replaced })
        default:
            throw EngineError(.typeMismatch, "input 0 has element type \(x.elementType), which this imputer does not take.")
        }
        return [.tensor(Tensor(unchecked: x.shape, storage))]
    }

    private func impute<T>(_ v: [T], stride: Int, values: [T], matches: (T) -> Bool) -> [T] {
        let perFeature = values.count == stride && stride > 0
        var out = v
        for i in out.indices where matches(out[i]) {
            out[i] = perFeature ? values[i % stride] : values[0]
        }
        return out
    }
}
