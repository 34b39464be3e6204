/// CumSum: running sums of `x` along the axis its second input names (a scalar or one-element
/// int32/int64 tensor, negative counting from the end), inclusive or `exclusive` (each element
/// the sum of the ones before it), forwards or in `reverse`. Summed in order, in the input's
/// type, as onnxruntime does (integers wrap).
public struct CumSum: Operator {
    public let exclusive: Bool
    public let reverse: Bool

    public init(exclusive: Bool, reverse: Bool) {
        self.exclusive = exclusive
        self.reverse = reverse
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, [.float32, .float64, .int32, .int64], role: "x")
        let axis = try TypeRules.input(inputs, 1, [.int32, .int64], role: "axis")
        if let rank = axis.rank, rank > 1 { throw EngineError(.shapeMismatch, "axis must be a scalar or hold one value, not rank \(rank).") }
        return [.tensor(x)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0), axisTensor = try tensor(inputs, 1)
        let given = try ShapeMath.integers(axisTensor, role: "axis")
        guard given.count == 1, axisTensor.rank <= 1 else {
            throw EngineError(.invalidValue, "axis must hold exactly one value, not \(given.count).")
        }
        guard x.rank >= 1 else { throw EngineError(.shapeMismatch, "x must have at least one dimension.") }
        let a = try ShapeMath.axis(given[0], rank: x.rank)
        return [.tensor(try Kernel(x: x, axis: a, exclusive: exclusive, reverse: reverse).dispatch(x.elementType))]
    }

    private struct Kernel: NumericKernel {
        let x: Tensor
        let axis: Int
        let exclusive: Bool
        let reverse: Bool

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let values = try x.values(T.self)
            let length = x.shape[axis]
            let inner = ShapeMath.product(x.shape[(axis + 1)...])
            let outer = ShapeMath.product(x.shape[..<axis])
            var out = [T](repeating: .zero, count: values.count)
            guard length > 0, inner > 0 else { return .of(out, x.shape) }
            for o in 0..<outer {
                let base = o * length * inner
                for i in 0..<inner {
                    var sum = T.zero
                    for step in 0..<length {
                        let k = reverse ? length - 1 - step : step
                        let at = base + k * inner + i
                        if exclusive {
                            out[at] = sum
                            sum = T.plus(sum, values[at])
                        } else {
                            sum = T.plus(sum, values[at])
                            out[at] = sum
                        }
                    }
                }
            }
            return .of(out, x.shape)
        }
    }
}

/// GatherElements: `out[i…] = data[i…]` with the `axis` coordinate replaced by `indices[i…]`
/// (negative counting from the end); the output has the indices' shape, and every other
/// dimension of the indices is at most the data's.
public struct GatherElements: Operator {
    public let axis: Int

    public init(axis: Int) { self.axis = axis }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let data = try TypeRules.input(inputs, 0, Set(ElementType.allCases), role: "data")
        let indices = try TypeRules.input(inputs, 1, [.int64, .int32], role: "indices")
        try ShapeMath.checkAxis(axis, rank: data.rank)
        if let r = data.rank, let s = indices.rank, r != s {
            throw EngineError(.shapeMismatch, "indices must have the rank of data (\(r)), not \(s).")
        }
        return [.tensor(TensorType(data.elementType, shape: indices.shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let data = try tensor(inputs, 0), indicesTensor = try tensor(inputs, 1)
        guard data.rank >= 1, indicesTensor.rank == data.rank else {
            throw EngineError(.shapeMismatch, "indices \(indicesTensor.shape) must have the rank of data \(data.shape), at least 1.")
        }
        let a = try ShapeMath.axis(axis, rank: data.rank)
        for d in 0..<data.rank where d != a && indicesTensor.shape[d] > data.shape[d] {
            throw EngineError(.shapeMismatch, "indices \(indicesTensor.shape) exceed data \(data.shape) along axis \(d).")
        }
        let indices = try ShapeMath.integers(indicesTensor, role: "indices")
        let dim = data.shape[a]
        let strides = ShapeMath.strides(data.shape)
        let shape = indicesTensor.shape
        var offsets = [Int](repeating: 0, count: indices.count)
        var coordinate = [Int](repeating: 0, count: shape.count)
        for n in indices.indices {
            let raw = indices[n]
            let i = raw < 0 ? raw + dim : raw
            guard i >= 0, i < dim else {
                throw EngineError(.invalidValue, "index '\(raw)' is out of range for axis \(a) of size \(dim).")
            }
            var offset = 0
            for d in 0..<shape.count { offset += (d == a ? i : coordinate[d]) * strides[d] }
            offsets[n] = offset
            // The next coordinate of the indices, last dimension fastest.
            var d = shape.count - 1
            while d >= 0 {
                coordinate[d] += 1
                if coordinate[d] < shape[d] { break }
                coordinate[d] = 0
                d -= 1
            }
        }
        return [.tensor(Tensor(unchecked: shape, data.storage.gathered(offsets)))]
    }
}
