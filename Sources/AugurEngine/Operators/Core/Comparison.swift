/// Equal, Less, Greater, LessOrEqual and GreaterOrEqual with broadcasting; bool output.
///
/// Equal also compares bool and string tensors. Comparisons with NaN are false (IEEE).
public struct Comparison: Operator {
    public enum Function: String, Sendable { case equal, less, greater, lessOrEqual, greaterOrEqual }
    public let function: Function

    public init(_ function: Function) { self.function = function }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let allowed = function == .equal ? TypeRules.numeric.union([.bool, .string]) : TypeRules.numeric
        let a = try TypeRules.input(inputs, 0, allowed)
        let b = try TypeRules.input(inputs, 1, allowed)
        try TypeRules.same([a, b])
        return [.tensor(TensorType(.bool, shape: try Broadcast.staticShape(a.shape, b.shape)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1)
        let result: (values: [Bool], shape: [Int])
        switch (a.storage, b.storage) {
        case (.bool(let x), .bool(let y)) where function == .equal:
            result = try Broadcast.apply(x, a.shape, y, b.shape, ==)
        case (.string(let x), .string(let y)) where function == .equal:
            result = try Broadcast.apply(x, a.shape, y, b.shape, ==)
        default:
            result = try Kernel(a: a, b: b, function: function).dispatch(a.elementType)
        }
        return [.tensor(Tensor(unchecked: result.shape, .bool(result.values)))]
    }

    struct Kernel: NumericKernel {
        let a: Tensor, b: Tensor, function: Function

        func run<T: CoreNumber>(_ type: T.Type) throws -> (values: [Bool], shape: [Int]) {
            let x = try a.values(T.self), y = try b.values(T.self)
            switch function {
            case .equal: return try Broadcast.apply(x, a.shape, y, b.shape, ==)
            case .less: return try Broadcast.apply(x, a.shape, y, b.shape, <)
            case .greater: return try Broadcast.apply(x, a.shape, y, b.shape, >)
            case .lessOrEqual: return try Broadcast.apply(x, a.shape, y, b.shape, <=)
            case .greaterOrEqual: return try Broadcast.apply(x, a.shape, y, b.shape, >=)
            }
        }
    }
}

/// And, Or and Xor on bool tensors with broadcasting.
public struct Logic: Operator {
    public enum Function: String, Sendable { case and, or, xor }
    public let function: Function

    public init(_ function: Function) { self.function = function }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let a = try TypeRules.input(inputs, 0, [.bool])
        let b = try TypeRules.input(inputs, 1, [.bool])
        return [.tensor(TensorType(.bool, shape: try Broadcast.staticShape(a.shape, b.shape)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1)
        guard case .bool(let x) = a.storage, case .bool(let y) = b.storage else {
            throw EngineError(.typeMismatch, "inputs must be bool tensors.")
        }
        let result: (values: [Bool], shape: [Int])
        switch function {
        case .and: result = try Broadcast.apply(x, a.shape, y, b.shape) { $0 && $1 }
        case .or: result = try Broadcast.apply(x, a.shape, y, b.shape) { $0 || $1 }
        case .xor: result = try Broadcast.apply(x, a.shape, y, b.shape, !=)
        }
        return [.tensor(Tensor(unchecked: result.shape, .bool(result.values)))]
    }
}

/// Where: `condition ? x : y` element-wise, the three inputs broadcast together.
public struct Where: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let c = try TypeRules.input(inputs, 0, [.bool], role: "condition")
        let all = Set(ElementType.allCases)
        let x = try TypeRules.input(inputs, 1, all, role: "X"), y = try TypeRules.input(inputs, 2, all, role: "Y")
        try TypeRules.same([x, y])
        let shape = try Broadcast.staticShape(try Broadcast.staticShape(c.shape, x.shape), y.shape)
        return [.tensor(TensorType(x.elementType, shape: shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let c = try tensor(inputs, 0), x = try tensor(inputs, 1), y = try tensor(inputs, 2)
        guard case .bool(let condition) = c.storage else {
            throw EngineError(.typeMismatch, "condition must be a bool tensor.")
        }
        let out = try Broadcast.shape(Broadcast.shape(c.shape, x.shape), y.shape)
        let conditions = c.shape == out ? condition : try Broadcast.sourceIndices(from: c.shape, to: out).map { condition[$0] }
        let xs = x.shape == out ? x.storage : x.storage.gathered(try Broadcast.sourceIndices(from: x.shape, to: out))
        let ys = y.shape == out ? y.storage : y.storage.gathered(try Broadcast.sourceIndices(from: y.shape, to: out))
        return [.tensor(Tensor(unchecked: out, xs.selecting(conditions, else: ys)))]
    }
}
