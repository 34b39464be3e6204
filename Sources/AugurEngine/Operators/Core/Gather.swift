/// Gather: entries of `data` along `axis` picked by `indices` (negative indices count from the end).
public struct Gather: Operator {
    public let axis: Int

    public init(axis: Int) { self.axis = axis }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let data = try TypeRules.input(inputs, 0, Set(ElementType.allCases), role: "data")
        let indices = try TypeRules.input(inputs, 1, [.int64, .int32], role: "indices")
        try ShapeMath.checkAxis(axis, rank: data.rank)
        guard let d = data.shape, let i = indices.shape else { return [.tensor(TensorType(data.elementType))] }
        let a = axis < 0 ? axis + d.count : axis
        return [.tensor(TensorType(data.elementType, shape: Array(d[..<a]) + i + Array(d[(a + 1)...])))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let data = try tensor(inputs, 0), indicesTensor = try tensor(inputs, 1)
        let a = try ShapeMath.axis(axis, rank: data.rank)
        let dim = data.shape[a]
        let indices = try ShapeMath.integers(indicesTensor, role: "indices").map { raw in
            let i = raw < 0 ? raw + dim : raw
            guard i >= 0, i < dim else {
                throw EngineError(.invalidValue, "index '\(raw)' is out of range for axis \(a) of size \(dim).")
            }
            return i
        }
        let outShape = Array(data.shape[..<a]) + indicesTensor.shape + Array(data.shape[(a + 1)...])
        _ = try ShapeMath.count(outShape)
        let outer = ShapeMath.product(data.shape[..<a]), inner = ShapeMath.product(data.shape[(a + 1)...])
        let coords = [Array(0..<outer), indices, Array(0..<inner)]
        let offsets = try ShapeMath.offsets(coords, strides: [dim * inner, inner, 1])
        return [.tensor(Tensor(unchecked: outShape, data.storage.gathered(offsets)))]
    }
}

/// Concat: inputs of one type and rank joined along `axis`.
public struct Concat: Operator {
    public let axis: Int

    public init(axis: Int) { self.axis = axis }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        guard !inputs.isEmpty else { throw EngineError(.invalidGraph, "needs at least one input.") }
        let types = try inputs.indices.map { try TypeRules.input(inputs, $0, Set(ElementType.allCases)) }
        try TypeRules.same(types)
        let ranks = Set(types.compactMap(\.rank))
        guard ranks.count <= 1 else { throw EngineError(.typeMismatch, "inputs must have one rank; found \(ranks.sorted()).") }
        guard let rank = ranks.first else { return [.tensor(TensorType(types[0].elementType))] }
        try ShapeMath.checkAxis(axis, rank: rank)
        let a = axis < 0 ? axis + rank : axis
        var shape = try ShapeMath.unknown(rank: rank) ?? []
        for d in 0..<rank where d != a { shape[d] = types.lazy.compactMap { $0.shape?[d] }.first }
        let sizes = types.map { $0.shape?[a] }
        if !sizes.contains(where: { $0 == nil }) {
            guard let total = TensorLimits.sum(sizes.compactMap { $0 }) else {
                throw EngineError(.typeMismatch, "the inputs' sizes along axis \(a) add up to more than \(TensorLimits.maxElements).")
            }
            shape[a] = total
        }
        return [.tensor(TensorType(types[0].elementType, shape: shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let tensors = try inputs.indices.map { try tensor(inputs, $0) }
        guard let first = tensors.first else { throw EngineError(.missingInput, "input 0 is required.") }
        let a = try ShapeMath.axis(axis, rank: first.rank)
        var outShape = first.shape
        outShape[a] = 0
        for t in tensors {
            guard t.rank == first.rank, t.elementType == first.elementType,
                  t.shape.indices.allSatisfy({ $0 == a || t.shape[$0] == first.shape[$0] }) else {
                throw EngineError(.shapeMismatch, "cannot concatenate shapes \(first.shape) and \(t.shape) along axis \(a).")
            }
            let (sum, overflow) = outShape[a].addingReportingOverflow(t.shape[a])
            guard !overflow else { throw EngineError(.tooLarge, "the inputs' sizes along axis \(a) overflow.") }
            outShape[a] = sum
        }
        let count = try ShapeMath.count(outShape)
        let outer = ShapeMath.product(first.shape[..<a])
        var storage = TensorStorage.empty(first.elementType)
        storage.reserve(count)
        for o in 0..<outer {
            for t in tensors {
                let chunk = t.shape[a...].reduce(1, *)
                storage.append(from: t.storage, start: o * chunk, count: chunk)
            }
        }
        return [.tensor(Tensor(unchecked: outShape, storage))]
    }
}
