/// Reshape: the same elements seen with the shape given by input 1.
///
/// `-1` infers one dimension; `0` copies the input's dimension unless `allowZero` (then it
/// is a real zero).
public struct Reshape: Operator {
    public let allowZero: Bool

    public init(allowZero: Bool = false) { self.allowZero = allowZero }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        let shape = try TypeRules.input(inputs, 1, [.int64], role: "shape")
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: ShapeMath.staticLength(of: shape))))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let requested = try ShapeMath.integers(try tensor(inputs, 1), role: "shape")
        return [.tensor(try x.reshaped(try resolve(requested, input: x.shape, count: x.count)))]
    }

    func resolve(_ requested: [Int], input: [Int], count: Int) throws -> [Int] {
        var out = [Int]()
        var inferred: Int?
        for (i, d) in requested.enumerated() {
            switch d {
            case -1:
                guard inferred == nil else { throw EngineError(.invalidValue, "shape \(requested) has more than one '-1'.") }
                inferred = i
                out.append(1)
            case 0 where !allowZero:
                guard i < input.count else {
                    throw EngineError(.invalidValue, "shape \(requested) copies dimension \(i) with '0', but the input has rank \(input.count).")
                }
                out.append(input[i])
            case ..<0: throw EngineError(.invalidValue, "shape \(requested) has invalid dimension '\(d)'.")
            default: out.append(d)
            }
        }
        if allowZero, inferred != nil, out.contains(0) {
            throw EngineError(.invalidValue, "shape \(requested) has both '0' and '-1' while allowzero is set.")
        }
        guard out.count <= TensorLimits.maxRank, let known = TensorLimits.product(out, cap: Int.max) else {
            throw EngineError(.tooLarge, "shape \(requested) overflows or has more than \(TensorLimits.maxRank) dimensions.")
        }
        if let inferred {
            guard known > 0, count % known == 0 else {
                throw EngineError(.shapeMismatch, "cannot reshape \(input) (\(count) elements) to \(requested).")
            }
            out[inferred] = count / known
        }
        guard TensorLimits.product(out, cap: Int.max) == count else {
            throw EngineError(.shapeMismatch, "cannot reshape \(input) (\(count) elements) to \(requested).")
        }
        return out
    }
}

/// Flatten: a 2-D view `[d0*…*d(axis-1), d(axis)*…]`.
public struct Flatten: Operator {
    public let axis: Int

    public init(axis: Int) { self.axis = axis }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        if let rank = x.rank, axis < -rank || axis > rank {
            throw EngineError(.invalidAttribute, "axis '\(axis)' is out of range for an input of rank \(rank).")
        }
        guard let shape = x.shape else { return [.tensor(TensorType(x.elementType, shape: [nil, nil]))] }
        let split = axis < 0 ? axis + shape.count : axis
        func product(_ dims: ArraySlice<Int?>) -> Int? {
            guard dims.allSatisfy({ $0 != nil }) else { return nil }
            return TensorLimits.product(dims.compactMap { $0 }, cap: Int.max)
        }
        return [.tensor(TensorType(x.elementType, shape: [product(shape[..<split]), product(shape[split...])]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let split = axis < 0 ? axis + x.rank : axis
        guard split >= 0, split <= x.rank else {
            throw EngineError(.invalidValue, "axis '\(axis)' is out of range for a tensor of rank \(x.rank).")
        }
        let outer = ShapeMath.product(x.shape[..<split])
        return [.tensor(Tensor(unchecked: [outer, outer == 0 ? ShapeMath.product(x.shape[split...]) : x.count / outer], x.storage))]
    }
}

/// Squeeze: removes size-1 dimensions (the listed axes, or all of them).
public struct Squeeze: Operator {
    /// Axes from the attribute (opset < 13); nil reads the optional input 1.
    public let axes: [Int]?

    public init(axes: [Int]?) { self.axes = axes }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        let axesInput = try TypeRules.optionalInput(inputs, 1, [.int64], role: "axes")
        let count = axes?.count ?? axesInput.flatMap(ShapeMath.staticLength)
        guard let rank = x.rank, let count else { return [.tensor(TensorType(x.elementType))] }
        if let axes {
            for axis in axes { try ShapeMath.checkAxis(axis, rank: rank) }
        }
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: rank - count)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let listed = try axes ?? optionalTensor(inputs, 1).map { try ShapeMath.integers($0, role: "axes") }
        let drop: Set<Int>
        if let listed {
            drop = Set(try ShapeMath.axes(listed, rank: x.rank))
            for axis in drop where x.shape[axis] != 1 {
                throw EngineError(.shapeMismatch, "cannot squeeze axis \(axis) of shape \(x.shape): its size is not 1.")
            }
        } else {
            drop = Set(x.shape.indices.filter { x.shape[$0] == 1 })
        }
        let out = x.shape.indices.filter { !drop.contains($0) }.map { x.shape[$0] }
        return [.tensor(Tensor(unchecked: out, x.storage))]
    }
}

/// Unsqueeze: inserts size-1 dimensions at the listed axes (of the output).
public struct Unsqueeze: Operator {
    /// Axes from the attribute (opset < 13); nil reads input 1.
    public let axes: [Int]?

    public init(axes: [Int]?) { self.axes = axes }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        if axes == nil { _ = try TypeRules.input(inputs, 1, [.int64], role: "axes") }
        let axesInput = try TypeRules.optionalInput(inputs, 1, [.int64])
        let count = axes?.count ?? axesInput.flatMap(ShapeMath.staticLength)
        guard let rank = x.rank, let count else { return [.tensor(TensorType(x.elementType))] }
        if let axes {
            for axis in axes { try ShapeMath.checkAxis(axis, rank: rank + count) }
        }
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: rank + count)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let listed = try axes ?? ShapeMath.integers(try tensor(inputs, 1), role: "axes")
        let rank = x.rank + listed.count
        guard rank <= TensorLimits.maxRank else {
            throw EngineError(.tooLarge, "the output would have \(rank) dimensions; the limit is \(TensorLimits.maxRank).")
        }
        let inserted = Set(try ShapeMath.axes(listed, rank: rank))
        var source = x.shape.makeIterator()
        let out = (0..<rank).map { inserted.contains($0) ? 1 : (source.next() ?? 1) }
        return [.tensor(Tensor(unchecked: out, x.storage))]
    }
}
