/// A support vector regressor or one-class SVM (`ai.onnx.ml` SVMRegressor), as onnxruntime
/// computes it: `Σ coef·K(x, sv) + rho[0]` over `n_supports` support vectors (scikit-learn's
/// SVR, NuSVR, OneClassSVM), or `x·w + rho[0]` without support vectors; with `one_class`
/// the sign of that value as ±1. One output column. `post_transform` is read and, as in
/// onnxruntime, not applied.
public struct SVMRegressor: Operator {
    public let kernel: SVMKernel
    /// Row-major `vectors × features` (empty: linear mode).
    public let supportVectors: [Float]
    public let coefficients: [Float]
    public let rho: Float
    public let oneClass: Bool
    let vectorCount: Int
    public let featureCount: Int
    /// The support vectors, or the weight row of a linear model, laid out for the kernel.
    let vectors: SupportVectors

    public init(kernel: SVMKernel, vectorCount: Int, supportVectors: [Float], coefficients: [Float], rho: [Float], oneClass: Bool) throws {
        guard !coefficients.isEmpty else { throw EngineError(.invalidAttribute, "coefficients are empty.") }
        guard let first = rho.first else { throw EngineError(.invalidAttribute, "rho needs a value.") }
        guard vectorCount >= 0 else { throw EngineError(.invalidAttribute, "n_supports is negative.") }
        if vectorCount > 0 {
            guard supportVectors.count % vectorCount == 0, supportVectors.count / vectorCount > 0 else {
                throw EngineError(.invalidAttribute, "\(supportVectors.count) support vector values do not split into \(vectorCount) vectors.")
            }
            guard coefficients.count >= vectorCount else {
                throw EngineError(.invalidAttribute, "\(coefficients.count) coefficients for \(vectorCount) support vectors.")
            }
            featureCount = supportVectors.count / vectorCount
            self.kernel = kernel
        } else {
            featureCount = coefficients.count
            self.kernel = SVMKernel(kind: .linear)
        }
        self.vectorCount = vectorCount
        self.supportVectors = supportVectors
        self.coefficients = coefficients
        self.rho = first
        self.oneClass = oneClass
        vectors = vectorCount > 0 ? SupportVectors(rowMajor: supportVectors, count: vectorCount, features: featureCount)
            : SupportVectors(rowMajor: coefficients, count: 1, features: featureCount)
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let rows = try MLTensorSupport.featureRowsType(try tensorType(inputs, 0), featureCount: featureCount)
        return [.tensor(TensorType(.float32, shape: [rows, 1]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let (rows, features) = try MLTensorSupport.featureRows(try tensor(inputs, 0), featureCount: featureCount)
        var out: [Float]
        if vectorCount > 0 {
            let kernels = try kernel.values(features, rows: rows, vectors: vectors)
            out = try LinearKernel.scores(kernels, rows: rows, weights: Array(coefficients.prefix(vectorCount)), biases: [rho],
                                          features: vectorCount)
        } else {
            out = try kernel.values(features, rows: rows, vectors: vectors, constant: rho)
        }
        if oneClass { out = out.map { $0 > 0 ? 1 : -1 } }
        return [.tensor(try Tensor(float32: out, shape: [rows, 1]))]
    }
}
