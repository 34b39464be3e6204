/// Generalised linear regression: `X · Wᵀ + b` per target, then a post transform (onnxruntime's
/// `LinearRegressor`; with a single target only PROBIT changes the value, as there).
public struct LinearRegressor: Operator {
    /// Row-major `targets × featureCount` weights.
    public let coefficients: [Float]
    /// One per target, or nil for none.
    public let intercepts: [Float]?
    public let targets: Int
    public let postTransform: PostTransform

    public var featureCount: Int { coefficients.count / max(targets, 1) }

    /// Throws when the weights do not split into `targets` rows or the intercepts do not match.
    public init(coefficients: [Float], intercepts: [Float]?, targets: Int, postTransform: PostTransform) throws {
        guard targets > 0 else { throw EngineError(.invalidAttribute, "a linear regressor needs at least one target.") }
        guard !coefficients.isEmpty, coefficients.count % targets == 0 else {
            throw EngineError(.invalidAttribute, "\(coefficients.count) coefficients do not split into \(targets) targets.")
        }
        if let intercepts, intercepts.count != targets {
            throw EngineError(.invalidAttribute, "\(intercepts.count) intercepts for \(targets) targets.")
        }
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.targets = targets
        self.postTransform = postTransform
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        try MLTensorSupport.requireNumeric(x)
        var rows: Int? = nil
        if let shape = x.shape {
            guard shape.count <= 2 else {
                throw EngineError(.typeMismatch, "input 0 must have rank 0, 1 or 2, not \(x).")
            }
            rows = shape.count == 2 ? shape[0] : 1
            let width = shape.count == 2 ? shape[1] : (shape.count == 1 ? shape[0] : 1)
            if let width, width != featureCount {
                throw EngineError(.typeMismatch,
                    "input 0 has \(width) features but the coefficients are for \(featureCount).")
            }
        }
        return [.tensor(TensorType(.float32, shape: [rows, targets]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let rows: Int, width: Int
        switch x.rank {
        case 0: (rows, width) = (1, 1)
        default: (rows, width) = try MLTensorSupport.matrix(x.shape)
        }
        guard width == featureCount else {
            throw EngineError(.shapeMismatch, "input 0 has \(width) features; the model expects \(featureCount).")
        }
        var scores = try LinearKernel.scores(try MLTensorSupport.floats(x), rows: rows, weights: coefficients,
                                         biases: intercepts, features: featureCount)
        if targets > 1 {
            postTransform.apply(toRows: &scores, width: targets)
        } else if postTransform == .probit {
            scores = scores.map(PostTransform.probit)
        }
        return [.tensor(try Tensor(float32: scores, shape: [rows, targets]))]
    }
}
