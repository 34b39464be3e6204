/// Add, Sub, Mul and Div with numpy-style broadcasting, on float32, float64, int64 and int32.
///
/// Integer division truncates toward zero (C++ semantics, as onnxruntime); a zero integer
/// divisor is an `EngineError` instead of a crash. Integer overflow wraps.
public struct Arithmetic: Operator {
    public enum Function: String, Sendable { case add, sub, mul, div }
    public let function: Function

    public init(_ function: Function) { self.function = function }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let a = try TypeRules.input(inputs, 0, TypeRules.numeric)
        let b = try TypeRules.input(inputs, 1, TypeRules.numeric)
        try TypeRules.same([a, b])
        return [.tensor(TensorType(a.elementType, shape: try Broadcast.staticShape(a.shape, b.shape)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1)
        return [.tensor(try Kernel(a: a, b: b, function: function).dispatch(a.elementType))]
    }

    struct Kernel: NumericKernel {
        let a: Tensor, b: Tensor, function: Function

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let x = try a.values(T.self), y = try b.values(T.self)
            let result: (values: [T], shape: [Int])
            switch function {
            case .add: result = try Broadcast.apply(x, a.shape, y, b.shape, T.plus)
            case .sub: result = try Broadcast.apply(x, a.shape, y, b.shape, T.minus)
            case .mul: result = try Broadcast.apply(x, a.shape, y, b.shape, T.times)
            case .div:
                if T.isInteger, y.contains(T.zero) {
                    throw EngineError(.invalidValue, "integer division by zero.")
                }
                result = try Broadcast.apply(x, a.shape, y, b.shape, T.over)
            }
            return .of(result.values, result.shape)
        }
    }
}

/// Pow: `base ^ exponent` with broadcasting; the exponent may have another numeric type.
///
/// Computed in double precision and converted to the base's type (as onnxruntime's
/// `std::pow`), except float32 by float32 which stays in float32.
public struct Power: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let a = try TypeRules.input(inputs, 0, TypeRules.numeric, role: "base")
        let b = try TypeRules.input(inputs, 1, TypeRules.numeric, role: "exponent")
        return [.tensor(TensorType(a.elementType, shape: try Broadcast.staticShape(a.shape, b.shape)))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try tensor(inputs, 0), b = try tensor(inputs, 1)
        if case .float32(let x) = a.storage, case .float32(let y) = b.storage {
            let r = try Broadcast.apply(x, a.shape, y, b.shape) { p, q in q == 2 ? p * p : powf(p, q) }
            return [.tensor(.of(r.values, r.shape))]
        }
        let exponent = try DoubleView(tensor: b).dispatch(b.elementType)
        return [.tensor(try Kernel(a: a, exponent: exponent, exponentShape: b.shape).dispatch(a.elementType))]
    }

    /// A numeric tensor's elements as doubles.
    struct DoubleView: NumericKernel {
        let tensor: Tensor
        func run<T: CoreNumber>(_ type: T.Type) throws -> [Double] { try tensor.values(T.self).map(\.asDouble) }
    }

    struct Kernel: NumericKernel {
        let a: Tensor, exponent: [Double], exponentShape: [Int]

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let x = try a.values(T.self)
            let r = try Broadcast.apply(x, a.shape, exponent, exponentShape) { p, q in
                T(converting: pow(p.asDouble, q))
            }
            return .of(r.values, r.shape)
        }
    }
}
