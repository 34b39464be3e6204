/// MatMul with numpy semantics: 1-D operands are promoted and the extra axis dropped, leading
/// (batch) dimensions broadcast.
public struct MatMul: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let a = try TypeRules.input(inputs, 0, TypeRules.numeric, role: "A")
        let b = try TypeRules.input(inputs, 1, TypeRules.numeric, role: "B")
        try TypeRules.same([a, b])
        guard let sa = a.shape, let sb = b.shape else { return [.tensor(TensorType(a.elementType))] }
        guard !sa.isEmpty, !sb.isEmpty else { throw EngineError(.typeMismatch, "MatMul operands must have rank 1 or more.") }
        let k1 = sa.last ?? nil, k2 = sb.count == 1 ? sb[0] : sb[sb.count - 2]
        if let k1, let k2, k1 != k2 {
            throw EngineError(.typeMismatch, "inner dimensions differ: A is \(Broadcast.describe(sa)), B is \(Broadcast.describe(sb)).")
        }
        let batch = try Broadcast.staticShape(Array(sa.dropLast(2)), Array(sb.dropLast(2))) ?? []
        let m: [Int?] = sa.count >= 2 ? [sa[sa.count - 2]] : []
        let n: [Int?] = sb.count >= 2 ? [sb[sb.count - 1]] : []
        return [.tensor(TensorType(a.elementType, shape: batch + m + n))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1)
        return [.tensor(try Kernel(a: a, b: b).dispatch(a.elementType))]
    }

    struct Kernel: NumericKernel {
        let a: Tensor, b: Tensor

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            guard a.rank >= 1, b.rank >= 1 else { throw EngineError(.shapeMismatch, "MatMul operands must have rank 1 or more.") }
            let sa = a.rank == 1 ? [1] + a.shape : a.shape
            let sb = b.rank == 1 ? b.shape + [1] : b.shape
            let m = sa[sa.count - 2], k = sa[sa.count - 1], n = sb[sb.count - 1]
            guard sb[sb.count - 2] == k else {
                throw EngineError(.shapeMismatch, "inner dimensions differ: A is \(a.shape), B is \(b.shape).")
            }
            let batchA = Array(sa.dropLast(2)), batchB = Array(sb.dropLast(2))
            let batch = try Broadcast.shape(batchA, batchB)
            let indexA = try Broadcast.sourceIndices(from: batchA, to: batch)
            let indexB = try Broadcast.sourceIndices(from: batchB, to: batch)
            let total = try ShapeMath.count(batch + [m, n])
            let x = try a.values(T.self), y = try b.values(T.self)
            var out = [T](repeating: T.zero, count: total)
            out.withUnsafeMutableBufferPointer { o in
                x.withUnsafeBufferPointer { px in
                    y.withUnsafeBufferPointer { py in
                        for (batchIndex, (ia, ib)) in zip(indexA, indexB).enumerated() {
                            Gemm.multiply(px, ia * m * k, py, ib * k * n, o, batchIndex * m * n, m: m, k: k, n: n)
                        }
                    }
                }
            }
            var shape = batch
            if a.rank > 1 { shape.append(m) }
            if b.rank > 1 { shape.append(n) }
            return .of(out, shape)
        }
    }
}

/// Gemm: `alpha * A' * B' + beta * C` for 2-D A and B (optionally transposed), C broadcast
/// unidirectionally to the `[M, N]` result.
public struct Gemm: Operator {
    public let alpha: Float, beta: Float
    public let transA: Bool, transB: Bool

    public init(alpha: Float = 1, beta: Float = 1, transA: Bool = false, transB: Bool = false) {
        self.alpha = alpha
        self.beta = beta
        self.transA = transA
        self.transB = transB
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let a = try TypeRules.input(inputs, 0, TypeRules.numeric, role: "A")
        let b = try TypeRules.input(inputs, 1, TypeRules.numeric, role: "B")
        var types = [a, b]
        if let c = try TypeRules.optionalInput(inputs, 2, TypeRules.numeric, role: "C") { types.append(c) }
        try TypeRules.same(types)
        for t in [a, b] where t.rank.map({ $0 != 2 }) ?? false {
            throw EngineError(.typeMismatch, "A and B must be 2-D, not \(t).")
        }
        let m = a.shape.map { $0[transA ? 1 : 0] } ?? nil, n = b.shape.map { $0[transB ? 0 : 1] } ?? nil
        let ka = a.shape.map { $0[transA ? 0 : 1] } ?? nil, kb = b.shape.map { $0[transB ? 1 : 0] } ?? nil
        if let ka, let kb, ka != kb { throw EngineError(.typeMismatch, "inner dimensions differ: \(ka) and \(kb).") }
        return [.tensor(TensorType(a.elementType, shape: [m, n]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1), c = try optionalTensor(inputs, 2)
        return [.tensor(try Kernel(a: a, b: b, c: c, op: self).dispatch(a.elementType))]
    }

    /// `out[o...] += x[ix...] (m×k) * y[iy...] (k×n)`, row-major, i-k-j order.
    static func multiply<T: CoreNumber>(_ x: UnsafeBufferPointer<T>, _ ix: Int, _ y: UnsafeBufferPointer<T>, _ iy: Int,
                                        _ out: UnsafeMutableBufferPointer<T>, _ io: Int, m: Int, k: Int, n: Int) {
        for i in 0..<m {
            let row = io + i * n
            for p in 0..<k {
                let scale = x[ix + i * k + p]
                let col = iy + p * n
                for j in 0..<n { out[row + j] = T.plus(out[row + j], T.times(scale, y[col + j])) }
            }
        }
    }
}
