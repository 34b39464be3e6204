/// onnxruntime's `com.microsoft` CDist: the distances between the rows of `A` (`[M, K]`) and of
/// `B` (`[N, K]`), `[M, N]`, `sqeuclidean` or `euclidean` (what skl2onnx's `{"optim": "cdist"}`
/// emits for nearest neighbours and Gaussian processes).
///
/// Computed as onnxruntime computes it, so that the roundings agree: −2 · Σ_k a_k b_k (fused
/// multiply-adds in k order, as its GEMM accumulates), plus Σ a², plus Σ b², then the absolute
/// value (a tiny negative from cancellation becomes positive) and, for `euclidean`, the root.
public struct CDist: Operator {
    public enum Metric: String, Sendable {
        case sqeuclidean, euclidean
    }

    public let metric: Metric

    public init(metric: Metric) { self.metric = metric }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let a = try TypeRules.input(inputs, 0, [.float32, .float64], role: "A")
        let b = try TypeRules.input(inputs, 1, [.float32, .float64], role: "B")
        try TypeRules.same([a, b])
        for (name, t) in [("A", a), ("B", b)] {
            if let rank = t.rank, rank != 2 { throw EngineError(.shapeMismatch, "\(name) must be a matrix, not rank \(rank).") }
        }
        if let ka = a.shape?[1], let kb = b.shape?[1], ka != kb {
            throw EngineError(.shapeMismatch, "A has \(ka) columns and B \(kb).")
        }
        return [.tensor(TensorType(a.elementType, shape: [a.shape?[0], b.shape?[0]]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1)
        guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[1], a.shape[1] > 0, a.elementType == b.elementType else {
            throw EngineError(.shapeMismatch, "CDist needs two float matrices of one width, not \(a.shape) and \(b.shape).")
        }
        guard TensorLimits.product([a.shape[0], b.shape[0]]) != nil else {
            throw EngineError(.tooLarge, "\(a.shape[0]) × \(b.shape[0]) distances exceed \(TensorLimits.maxElements) values.")
        }
        return [.tensor(try Kernel(a: a, b: b, euclidean: metric == .euclidean).dispatch(a.elementType))]
    }

    private struct Kernel: FloatKernel {
        let a: Tensor
        let b: Tensor
        let euclidean: Bool

        func run<T: CoreFloat>(_ type: T.Type) throws -> Tensor {
            let xs = try a.values(T.self), ys = try b.values(T.self)
            let (m, n, k) = (a.shape[0], b.shape[0], a.shape[1])
            let aSquares = (0..<m).map { i in (0..<k).reduce(T.zero) { ($0 as T).addingProduct(xs[i * k + $1], xs[i * k + $1]) } }
            let bSquares = (0..<n).map { i in (0..<k).reduce(T.zero) { ($0 as T).addingProduct(ys[i * k + $1], ys[i * k + $1]) } }
            var out = [T](repeating: .zero, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var dot = T.zero
                    for t in 0..<k { dot = dot.addingProduct(xs[i * k + t], ys[j * k + t]) }
                    let d = ((-2 * dot) + aSquares[i]) + bSquares[j]
                    out[i * n + j] = euclidean ? abs(d).squareRoot() : abs(d)
                }
            }
            return .of(out, [m, n])
        }
    }
}
