import Foundation

/// The kernel of a support vector machine (`kernel_type`, `kernel_params` = [gamma, coef0,
/// degree]), shared by `SVMClassifier` and `SVMRegressor`: onnxruntime's `SVMCommon`,
/// numerics included: float32; RBF summed in order; the dot-product kernels accumulated with
/// fused multiply-adds and scaled by a fused `γ·dot + coef0`, as MLAS's SGEMM kernels do on
/// x86-64 with FMA (a near-zero decision value is a sum of large terms that cancel, so the
/// rounding of each kernel value shows).
public struct SVMKernel: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case linear = "LINEAR", poly = "POLY", rbf = "RBF", sigmoid = "SIGMOID"
    }

    public let kind: Kind
    public let gamma: Float
    public let coef0: Float
    public let degree: Float

    public init(kind: Kind, gamma: Float = 0, coef0: Float = 0, degree: Float = 0) {
        self.kind = kind
        self.gamma = gamma
        self.coef0 = coef0
        self.degree = degree
    }

    /// `rows × count` kernel values of the rows of `x` (`rows × features`) against the rows of
    /// `vectors` (`count × features`). A linear kernel adds `constant` (a liblinear model's
    /// intercept); the others ignore it, as onnxruntime does.
    func values(_ x: [Float], rows: Int, vectors: [Float], count: Int, features: Int, constant: Float = 0) throws -> [Float] {
        guard let total = TensorLimits.product([rows, count]) else {
            throw EngineError(.tooLarge, "\(rows) rows against \(count) support vectors exceed \(TensorLimits.maxElements) values.")
        }
        return [Float](unsafeUninitializedCapacity: total) { out, initialized in
            x.withUnsafeBufferPointer { xs in
                vectors.withUnsafeBufferPointer { vs in
                    for row in 0..<rows {
                        let r = row * features
                        for v in 0..<count {
                            let s = v * features
                            var sum: Float = 0
                            if kind == .rbf {
                                for k in 0..<features {
                                    let d = xs[r + k] - vs[s + k]
                                    sum += d * d
                                }
                                out[row * count + v] = exp(-gamma * sum)
                                continue
                            }
                            for k in 0..<features { sum.addProduct(xs[r + k], vs[s + k]) }
                            out[row * count + v] = finish(sum, constant: constant)
                        }
                    }
                }
            }
            initialized = total
        }
    }

    /// The dot product's kernel: `x·v + c` (linear), `(γ x·v + coef0)^degree` (poly),
    /// `tanh(γ x·v + coef0)` (sigmoid).
    @inline(__always)
    private func finish(_ dot: Float, constant: Float) -> Float {
        switch kind {
        case .linear: return dot + constant
        case .poly:
            let base = coef0.addingProduct(gamma, dot)
            if degree == 2 { return base * base }
            if degree == 3 { return base * base * base }
            return pow(base, degree)
        case .sigmoid: return Self.mlasTanh(coef0.addingProduct(gamma, dot))
        case .rbf: return dot
        }
    }

    /// MLAS's tanh (`MlasTanhKernel`, Eigen's rational approximation on [-9, 9], evaluated
    /// with fused multiply-adds as its FMA3 kernel): onnxruntime's SIGMOID kernel, which
    /// differs from libm's `tanh` in the last bits.
    static func mlasTanh(_ x: Float) -> Float {
        let v = x < -9 ? -9 : (x > 9 ? 9 : x)
        let v2 = v * v
        var p = Float(2.00018790482477e-13).addingProduct(v2, Float(-2.76076847742355e-16))
        p = Float(-8.60467152213735e-11).addingProduct(p, v2)
        p = Float(5.12229709037114e-08).addingProduct(p, v2)
        p = Float(1.48572235717979e-05).addingProduct(p, v2)
        p = Float(6.37261928875436e-04).addingProduct(p, v2)
        p = Float(4.89352455891786e-03).addingProduct(p, v2)
        p *= v
        var q = Float(1.18534705686654e-04).addingProduct(v2, Float(1.19825839466702e-06))
        q = Float(2.26843463243900e-03).addingProduct(q, v2)
        q = Float(4.89352518554385e-03).addingProduct(q, v2)
        return p / q
    }
}
