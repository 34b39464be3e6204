/// The one-input element-wise math operators (Neg, Abs, Exp, Relu, Sigmoid, …).
///
/// Neg, Abs, Sign and Relu take every numeric type (integers wrap on overflow); the others
/// take float32 and float64 and compute in that precision. NaN passes through Relu, Sign,
/// Round and friends as NaN.
public struct UnaryMath: Operator {
    public enum Function: Sendable, Equatable {
        case neg, abs, sign, relu
        case exp, log, sqrt, sigmoid, tanh, erf, floor, ceil, round, reciprocal, softplus
        case leakyRelu(alpha: Float)
        case hardSigmoid(alpha: Float, beta: Float)

        var acceptsIntegers: Bool {
            switch self {
            case .neg, .abs, .sign, .relu: true
            default: false
            }
        }
    }

    public let function: Function

    public init(_ function: Function) { self.function = function }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, function.acceptsIntegers ? TypeRules.numeric : TypeRules.floats)
        return [.tensor(x)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        if function.acceptsIntegers {
            return [.tensor(try IntegerKernel(x: x, function: function).dispatch(x.elementType))]
        }
        return [.tensor(try Kernel(x: x, function: function).dispatch(x.elementType))]
    }

    /// Neg, Abs, Sign, Relu: every numeric type.
    struct IntegerKernel: NumericKernel {
        let x: Tensor, function: Function

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let v = try x.values(T.self)
            let out: [T]
            switch function {
            case .neg: out = v.map { $0.negated() }
            case .abs: out = v.map { $0.absoluteValue }
            case .sign: out = v.map { $0 > T.zero ? T.one : ($0 < T.zero ? T.one.negated() : ($0.isNaNValue ? $0 : T.zero)) }
            default: out = v.map { $0 < T.zero ? T.zero : $0 }
            }
            return .of(out, x.shape)
        }
    }

    struct Kernel: FloatKernel {
        let x: Tensor, function: Function

        func run<T: CoreFloat>(_ type: T.Type) throws -> Tensor {
            .of(try x.values(T.self).map(transform(T.self)), x.shape)
        }

        private func transform<T: CoreFloat>(_ type: T.Type) -> (T) -> T {
            switch function {
            case .exp: return T.exp
            case .log: return T.log
            case .sqrt: return { $0.squareRoot() }
            case .sigmoid: return { $0 >= 0 ? 1 / (1 + T.exp(-$0)) : T.exp($0) / (1 + T.exp($0)) }
            case .tanh: return T.tanh
            case .erf: return { $0.isNaN ? 1 : T.erf($0) }  // onnxruntime's (MLAS) erf gives 1 for NaN
            case .floor: return { $0.rounded(.down) }
            case .ceil: return { $0.rounded(.up) }
            case .round: return { $0.rounded(.toNearestOrEven) }
            case .reciprocal: return { 1 / $0 }
            case .softplus: return { $0 > 0 ? $0 + T.log1p(T.exp(-$0)) : T.log1p(T.exp($0)) }
            case .leakyRelu(let alpha):
                let a = T(alpha)
                return { $0 >= 0 ? $0 : a * $0 }
            case .hardSigmoid(let alpha, let beta):
                let a = T(alpha), b = T(beta)
                return { v in
                    let y = a * v + b
                    return y.isNaN ? y : Swift.max(0, Swift.min(1, y))
                }
            case .neg, .abs, .sign, .relu: return { $0 }
            }
        }
    }
}

/// IsNaN, IsInf (optionally only one sign) and Not: bool-valued element-wise tests.
public struct ElementTest: Operator {
    public enum Function: Sendable, Equatable {
        case isNaN
        case isInf(positive: Bool, negative: Bool)
        case not
    }

    public let function: Function

    public init(_ function: Function) { self.function = function }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, function == .not ? [.bool] : TypeRules.floats)
        return [.tensor(TensorType(.bool, shape: x.shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let out: [Bool]
        switch (function, x.storage) {
        case (.not, .bool(let v)): out = v.map { !$0 }
        case (.isNaN, .float32(let v)): out = v.map(\.isNaN)
        case (.isNaN, .float64(let v)): out = v.map(\.isNaN)
        case (.isInf(let p, let n), .float32(let v)): out = v.map { $0.isInfinite && ($0 > 0 ? p : n) }
        case (.isInf(let p, let n), .float64(let v)): out = v.map { $0.isInfinite && ($0 > 0 ? p : n) }
        default: throw EngineError(.typeMismatch, "unexpected input type \(x.elementType).")
        }
        return [.tensor(Tensor(unchecked: x.shape, .bool(out)))]
    }
}
