/// `(x - offset) * scale` per feature (or with one offset and scale for all), float32 out
/// (onnxruntime's `Scaler`: the feature axis is the only one of a rank-1 input, else axis 1).
public struct Scaler: Operator {
    public let offset: [Float]
    public let scale: [Float]

    /// Throws unless offset and scale are non-empty and of equal length.
    public init(offset: [Float], scale: [Float]) throws {
        guard !scale.isEmpty, scale.count == offset.count else {
            throw EngineError(.invalidAttribute, "scale (\(scale.count)) and offset (\(offset.count)) must have the same non-zero length.")
        }
        self.offset = offset
        self.scale = scale
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        try MLTensorSupport.requireNumeric(x)
        if x.rank == 0 { throw EngineError(.typeMismatch, "input 0 must have at least one dimension.") }
        if let stride = MLTensorSupport.staticFeatureStride(x), scale.count != 1, scale.count != stride {
            throw EngineError(.typeMismatch,
                "input 0 has \(stride) features but scale and offset have \(scale.count) values (expected 1 or \(stride)).")
        }
        return [.tensor(TensorType(.float32, shape: x.shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard let stride = MLTensorSupport.featureStride(x.shape) else {
            throw EngineError(.shapeMismatch, "input 0 must have at least one dimension.")
        }
        let perFeature = scale.count == stride && stride > 0
        guard perFeature || scale.count == 1 else {
            throw EngineError(.shapeMismatch,
                "input 0 has \(stride) features but scale and offset have \(scale.count) values (expected 1 or \(stride)).")
        }
        let count = x.count
        var out = [Float](repeating: 0, count: count)
        switch x.storage {
        case .float64(let v):
            for i in 0..<count {
                let f = perFeature ? i % stride : 0
                out[i] = Float((v[i] - Double(offset[f])) * Double(scale[f]))
            }
        default:
            let v = try MLTensorSupport.floats(x)
            for i in 0..<count {
                let f = perFeature ? i % stride : 0
                out[i] = (v[i] - offset[f]) * scale[f]
            }
        }
        return [.tensor(Tensor(unchecked: x.shape, .float32(out)))]
    }
}
