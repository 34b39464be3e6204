/// Softmax and LogSoftmax along an axis (float32/float64).
///
/// From opset 13 the axis is a single dimension; before, the input is coerced to 2-D at
/// `axis` and each row of `d(axis)*…` elements is normalised together. The maximum is
/// subtracted first, as onnxruntime does.
public struct Softmax: Operator {
    public let axis: Int
    /// Opset 1/11 semantics: flatten to 2-D at `axis`.
    public let coercedTo2D: Bool
    public let logarithm: Bool

    public init(axis: Int, coercedTo2D: Bool, log: Bool) {
        self.axis = axis
        self.coercedTo2D = coercedTo2D
        self.logarithm = log
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, TypeRules.floats)
        if let rank = x.rank, rank > 0 || !coercedTo2D { try ShapeMath.checkAxis(axis, rank: rank) }
        return [.tensor(x)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        return [.tensor(try Kernel(x: x, op: self).dispatch(x.elementType))]
    }

    struct Kernel: FloatKernel {
        let x: Tensor, op: Softmax

        func run<T: CoreFloat>(_ type: T.Type) throws -> Tensor {
            guard x.rank > 0 else { return .of(try x.values(T.self).map { _ in op.logarithm ? T.zero : T.one }, x.shape) }
            let a = try ShapeMath.axis(op.axis, rank: x.rank)
            let outer = ShapeMath.product(x.shape[..<a])
            let n = op.coercedTo2D ? ShapeMath.product(x.shape[a...]) : x.shape[a]
            let inner = op.coercedTo2D ? 1 : ShapeMath.product(x.shape[(a + 1)...])
            var values = try x.values(T.self)
            values.withUnsafeMutableBufferPointer { v in
                for o in 0..<outer {
                    for i in 0..<inner { normalise(v, base: o * n * inner + i, n: n, stride: inner) }
                }
            }
            return .of(values, x.shape)
        }

        private func normalise<T: CoreFloat>(_ v: UnsafeMutableBufferPointer<T>, base: Int, n: Int, stride: Int) {
            guard n > 0 else { return }
            var maximum = v[base]
            for k in 0..<n where v[base + k * stride] > maximum || maximum.isNaN { maximum = v[base + k * stride] }
            var sum = T.zero
            for k in 0..<n {
                let e = T.exp(v[base + k * stride] - maximum)
                if !op.logarithm { v[base + k * stride] = e }
                sum += e
            }
            if op.logarithm {
                let logSum = T.log(sum)
                for k in 0..<n { v[base + k * stride] = (v[base + k * stride] - maximum) - logSum }
            } else {
                for k in 0..<n { v[base + k * stride] /= sum }
            }
        }
    }
}
