/// Shape: the input's shape (dimensions `start..<end`, clamped) as an int64 vector.
public struct ShapeOf: Operator {
    public let start: Int
    public let end: Int?

    public init(start: Int = 0, end: Int? = nil) {
        self.start = start
        self.end = end
    }

    func range(rank: Int) -> Range<Int> {
        func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v + rank : v, 0), rank) }
        let lo = clamp(start), hi = clamp(end ?? rank)
        return lo..<Swift.max(lo, hi)
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        return [.tensor(TensorType(.int64, shape: [x.rank.map { range(rank: $0).count }]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let dims = x.shape[range(rank: x.rank)].map { Int64($0) }
        return [.tensor(Tensor(unchecked: [dims.count], .int64(dims)))]
    }
}

/// Size: the input's element count as an int64 scalar.
public struct SizeOf: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        _ = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        return [.tensor(TensorType(.int64, shape: []))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        [.tensor(Tensor(unchecked: [], .int64([Int64(try tensor(inputs, 0).count)])))]
    }
}

/// Constant: a fixed tensor (computed once at load).
public struct ConstantValue: Operator {
    public let value: Tensor

    public init(_ value: Tensor) { self.value = value }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] { [.tensor(value.type)] }

    public func run(_ inputs: [Value?]) throws -> [Value] { [.tensor(value)] }
}

/// ConstantOfShape: a tensor of the shape in input 0, filled with one value.
public struct ConstantOfShape: Operator {
    /// A one-element tensor whose type and value fill the output.
    public let value: Tensor

    public init(value: Tensor) { self.value = value }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let shape = try TypeRules.input(inputs, 0, [.int64], role: "input")
        return try [.tensor(TensorType(value.elementType, shape: ShapeMath.unknown(rank: ShapeMath.staticLength(of: shape))))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let dims = try ShapeMath.integers(try tensor(inputs, 0), role: "shape")
        let count = try ShapeMath.count(dims)
        return [.tensor(Tensor(unchecked: dims, value.storage.repeatingFirst(count)))]
    }
}

/// Range: `start, start+delta, …` up to (excluding) `limit`; scalar inputs of one numeric type.
public struct NumericRange: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let types = try (0..<3).map { try TypeRules.input(inputs, $0, TypeRules.numeric) }
        try TypeRules.same(types)
        return [.tensor(TensorType(types[0].elementType, shape: [nil]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let start = try tensor(inputs, 0)
        let limit = try tensor(inputs, 1), delta = try tensor(inputs, 2)
        return [.tensor(try Kernel(start: start, limit: limit, delta: delta).dispatch(start.elementType))]
    }

    struct Kernel: NumericKernel {
        let start: Tensor, limit: Tensor, delta: Tensor

        func scalar<T: CoreNumber>(_ t: Tensor, _ name: String) throws -> T {
            let v = try t.values(T.self)
            guard v.count == 1 else { throw EngineError(.shapeMismatch, "\(name) must be a scalar, not of shape \(t.shape).") }
            return v[0]
        }

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let s: T = try scalar(start, "start"), l: T = try scalar(limit, "limit"), d: T = try scalar(delta, "delta")
            guard d != T.zero else { throw EngineError(.invalidValue, "delta must not be zero.") }
            // -∞ (an infinite span in the wrong direction) and huge negatives give 0 steps;
            // NaN, +∞ and anything above the cap are refused before any conversion to Int.
            let steps = (l.asDouble - s.asDouble) / d.asDouble
            guard let count = TensorLimits.count(steps) else {
                throw EngineError(.tooLarge, "range from \(s) to \(l) by \(d) has too many elements (the limit is \(TensorLimits.maxElements)).")
            }
            var values = [T]()
            values.reserveCapacity(count)
            var value = s
            for _ in 0..<count {
                values.append(value)
                value = T.plus(value, d)
            }
            return .of(values, [count])
        }
    }
}
