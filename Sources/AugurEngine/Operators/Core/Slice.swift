/// Slice: a strided window along some axes, with negative indices and clamping per the spec.
public struct Slice: Operator {
    /// Attribute form (opset 1): starts, ends and optional axes fixed; nil reads inputs 1…4.
    public let starts: [Int]?
    public let ends: [Int]?
    public let axes: [Int]?

    public init(starts: [Int]? = nil, ends: [Int]? = nil, axes: [Int]? = nil) {
        self.starts = starts
        self.ends = ends
        self.axes = axes
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases), role: "data")
        if starts == nil {
            let ints: Set<ElementType> = [.int64, .int32]
            let s = try TypeRules.input(inputs, 1, ints, role: "starts"), e = try TypeRules.input(inputs, 2, ints, role: "ends")
            try TypeRules.same([s, e])
            _ = try TypeRules.optionalInput(inputs, 3, ints, role: "axes")
            _ = try TypeRules.optionalInput(inputs, 4, ints, role: "steps")
        }
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: x.rank)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let s = try starts ?? ShapeMath.integers(try tensor(inputs, 1), role: "starts")
        let e = try ends ?? ShapeMath.integers(try tensor(inputs, 2), role: "ends")
        let a = try starts != nil ? axes : optionalTensor(inputs, 3).map { try ShapeMath.integers($0, role: "axes") }
        let steps = try starts != nil ? nil : optionalTensor(inputs, 4).map { try ShapeMath.integers($0, role: "steps") }
        guard s.count == e.count, a.map({ $0.count == s.count }) ?? true, steps.map({ $0.count == s.count }) ?? true else {
            throw EngineError(.invalidValue, "starts, ends, axes and steps must have the same length.")
        }
        let resolvedAxes = try ShapeMath.axes(a ?? Array(0..<s.count), rank: x.rank)
        var coords = x.shape.map { Array(0..<$0) }
        for (k, axis) in resolvedAxes.enumerated() {
            coords[axis] = try window(dim: x.shape[axis], start: s[k], end: e[k], step: steps?[k] ?? 1)
        }
        let offsets = try ShapeMath.offsets(coords, strides: ShapeMath.strides(x.shape))
        return [.tensor(Tensor(unchecked: coords.map(\.count), x.storage.gathered(offsets)))]
    }

    /// The indices a (start, end, step) selects in a dimension of size `dim`.
    func window(dim: Int, start: Int, end: Int, step: Int) throws -> [Int] {
        guard step != 0 else { throw EngineError(.invalidValue, "steps must not be zero.") }
        func resolve(_ v: Int) -> Int { v < 0 ? (v < -dim ? -dim - 1 : v + dim) : v }
        var lo = resolve(start), hi = resolve(end)
        if step > 0 {
            lo = Swift.min(Swift.max(lo, 0), dim)
            hi = Swift.min(Swift.max(hi, 0), dim)
            return Array(stride(from: lo, to: hi, by: step))
        }
        lo = Swift.min(Swift.max(lo, 0), dim - 1)
        hi = Swift.min(Swift.max(hi, -1), dim - 1)
        return Array(stride(from: lo, to: hi, by: step))
    }
}

/// Transpose: dimensions permuted by `perm` (reversed when nil).
public struct Transpose: Operator {
    public let perm: [Int]?

    public init(perm: [Int]?) { self.perm = perm }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        guard let shape = x.shape else { return try [.tensor(TensorType(x.elementType, shape: perm.map { try ShapeMath.unknown(rank: $0.count) } ?? nil))] }
        let p = perm ?? Array(shape.indices.reversed())
        guard p.count == shape.count, Set(p) == Set(shape.indices) else {
            throw EngineError(.invalidAttribute, "perm \(p) is not a permutation of the \(shape.count) axes of the input.")
        }
        return [.tensor(TensorType(x.elementType, shape: p.map { shape[$0] }))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let p = perm ?? Array(x.shape.indices.reversed())
        guard p.count == x.rank, Set(p) == Set(x.shape.indices) else {
            throw EngineError(.invalidValue, "perm \(p) is not a permutation of the \(x.rank) axes of the input.")
        }
        let strides = ShapeMath.strides(x.shape)
        let offsets = try ShapeMath.offsets(p.map { Array(0..<x.shape[$0]) }, strides: p.map { strides[$0] })
        return [.tensor(Tensor(unchecked: p.map { x.shape[$0] }, x.storage.gathered(offsets)))]
    }
}

/// Expand: the input broadcast (numpy-style) with the shape in input 1.
public struct Expand: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        let shape = try TypeRules.input(inputs, 1, [.int64], role: "shape")
        let rank = ShapeMath.staticLength(of: shape).flatMap { n in x.rank.map { Swift.max(n, $0) } }
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: rank)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let requested = try ShapeMath.integers(try tensor(inputs, 1), role: "shape")
        guard requested.allSatisfy({ $0 >= 0 }) else { throw EngineError(.invalidValue, "shape \(requested) has a negative dimension.") }
        let out = try Broadcast.shape(x.shape, requested)
        return [.tensor(Tensor(unchecked: out, x.storage.gathered(try Broadcast.sourceIndices(from: x.shape, to: out))))]
    }
}

/// Tile: the input repeated `repeats[d]` times along each dimension d.
public struct Tile: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        _ = try TypeRules.input(inputs, 1, [.int64], role: "repeats")
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: x.rank)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let repeats = try ShapeMath.integers(try tensor(inputs, 1), role: "repeats")
        guard repeats.count == x.rank, repeats.allSatisfy({ $0 >= 0 }) else {
            throw EngineError(.invalidValue, "repeats \(repeats) must hold \(x.rank) non-negative values.")
        }
        var out = [Int]()
        for (d, r) in zip(x.shape, repeats) {
            let (size, overflow) = d.multipliedReportingOverflow(by: r)
            guard !overflow else { throw EngineError(.tooLarge, "tiling \(x.shape) by \(repeats) overflows.") }
            out.append(size)
        }
        _ = try ShapeMath.count(out)
        let coords = zip(x.shape, out).map { d, n in (0..<n).map { $0 % d } }
        let offsets = try ShapeMath.offsets(coords, strides: ShapeMath.strides(x.shape))
        return [.tensor(Tensor(unchecked: out, x.storage.gathered(offsets)))]
    }
}
