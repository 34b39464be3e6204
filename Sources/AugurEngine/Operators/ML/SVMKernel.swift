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

    /// `rows × count` kernel values of the rows of `x` (`rows × features`) against
    /// `vectors`. A linear kernel adds `constant` (a liblinear model's intercept); the others
    /// ignore it, as onnxruntime does.
    ///
    /// Eight support vectors at a time, one SIMD lane each: every lane sums its features in
    /// order, exactly as the scalar loop would, so vectorising changes no bit.
    func values(_ x: [Float], rows: Int, vectors: SupportVectors, constant: Float = 0) throws -> [Float] {
        let count = vectors.count, features = vectors.features, stride = vectors.stride
        guard let total = TensorLimits.product([rows, count]) else {
            throw EngineError(.tooLarge, "\(rows) rows against \(count) support vectors exceed \(TensorLimits.maxElements) values.")
        }
        return [Float](unsafeUninitializedCapacity: total) { out, initialized in
            x.withUnsafeBufferPointer { xs in
                vectors.byFeature.withUnsafeBufferPointer { vs in
                    let base = UnsafeRawPointer(vs.baseAddress!)
                    for row in 0..<rows {
                        let r = row * features
                        var block = 0
                        while block < count {
                            var sum = SIMD8<Float>(repeating: 0)
                            if kind == .rbf {
                                for k in 0..<features {
                                    let v = base.loadUnaligned(fromByteOffset: (k * stride + block) * 4, as: SIMD8<Float>.self)
                                    let d = SIMD8<Float>(repeating: xs[r + k]) - v
                                    sum += d * d
                                }
                            } else {
                                for k in 0..<features {
                                    let v = base.loadUnaligned(fromByteOffset: (k * stride + block) * 4, as: SIMD8<Float>.self)
                                    sum.addProduct(SIMD8<Float>(repeating: xs[r + k]), v)
                                }
                            }
                            for lane in 0..<Swift.min(8, count - block) {
                                out[row * count + block + lane] = kind == .rbf ? exp(-gamma * sum[lane]) : finish(sum[lane], constant: constant)
                            }
                            block += 8
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

/// Support vectors (or a liblinear model's weight rows) laid out feature by feature, eight
/// vectors side by side and padded with zeros, for `SVMKernel.values`.
public struct SupportVectors: Sendable, Equatable {
    public let count: Int
    public let features: Int
    /// `count` rounded up to a multiple of 8.
    let stride: Int
    /// `features × stride`.
    let byFeature: [Float]

    /// From row-major `count × features` values (`rowMajor.count == count * features`).
    init(rowMajor: [Float], count: Int, features: Int) {
        self.count = count
        self.features = features
        stride = (count + 7) / 8 * 8
        var laid = [Float](repeating: 0, count: features * stride)
        for v in 0..<count {
            for k in 0..<features { laid[k * stride + v] = rowMajor[v * features + k] }
        }
        byFeature = laid
    }
}
