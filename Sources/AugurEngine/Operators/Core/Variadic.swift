/// Max, Min, Sum and Mean over any number of inputs, broadcast together.
///
/// Max and Min propagate NaN (a NaN in any input gives NaN), as onnxruntime does. Mean takes
/// float types only.
public struct Variadic: Operator {
    public enum Function: String, Sendable { case max, min, sum, mean }
    public let function: Function

    public init(_ function: Function) { self.function = function }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        guard !inputs.isEmpty else { throw EngineError(.invalidGraph, "needs at least one input.") }
        let allowed = function == .mean ? TypeRules.floats : TypeRules.numeric
        let types = try inputs.indices.map { try TypeRules.input(inputs, $0, allowed) }
        try TypeRules.same(types)
        var shape = types[0].shape
        for type in types.dropFirst() { shape = try Broadcast.staticShape(shape, type.shape) }
        return [.tensor(TensorType(types[0].elementType, shape: shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let tensors = try inputs.indices.map { try tensor(inputs, $0) }
        guard let first = tensors.first else { throw EngineError(.missingInput, "input 0 is required.") }
        return [.tensor(try Kernel(tensors: tensors, function: function).dispatch(first.elementType))]
    }

    struct Kernel: NumericKernel {
        let tensors: [Tensor], function: Function

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            var values = try tensors[0].values(T.self), shape = tensors[0].shape
            let combine: (T, T) -> T
            switch function {
            case .max: combine = { a, b in a.isNaNValue ? a : (b.isNaNValue ? b : Swift.max(a, b)) }
            case .min: combine = { a, b in a.isNaNValue ? a : (b.isNaNValue ? b : Swift.min(a, b)) }
            case .sum, .mean: combine = T.plus
            }
            for next in tensors.dropFirst() {
                (values, shape) = try Broadcast.apply(values, shape, try next.values(T.self), next.shape, combine)
            }
            if function == .mean, tensors.count > 1 {
                let n = T(convertingInteger: Int64(tensors.count))
                values = values.map { T.over($0, n) }
            }
            return .of(values, shape)
        }
    }
}

/// Clip: limits every element to `[min, max]`; NaN stays NaN.
///
/// The bounds come from the operator (opset 6 attributes) or from optional scalar inputs 1 and
/// 2 (opset 11 on), which override them.
public struct Clip: Operator {
    public let min: Double?
    public let max: Double?

    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, TypeRules.numeric)
        for index in [1, 2] {
            if let bound = try TypeRules.optionalInput(inputs, index, TypeRules.numeric, role: index == 1 ? "min" : "max") {
                try TypeRules.same([x, bound])
                if let shape = bound.shape, let count = Tensor.elementCount(of: shape.map { $0 ?? 1 }), count != 1 {
                    throw EngineError(.typeMismatch, "\(index == 1 ? "min" : "max") must be a scalar, not of shape \(Broadcast.describe(shape)).")
                }
            }
        }
        return [.tensor(x)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let low = try optionalTensor(inputs, 1), high = try optionalTensor(inputs, 2)
        return [.tensor(try Kernel(x: x, low: low, high: high, clip: self).dispatch(x.elementType))]
    }

    struct Kernel: NumericKernel {
        let x: Tensor, low: Tensor?, high: Tensor?, clip: Clip

        func bound<T: CoreNumber>(_ tensor: Tensor?, _ fallback: Double?, _ name: String) throws -> T? {
            if let tensor {
                let values = try tensor.values(T.self)
                guard values.count == 1 else {
                    throw EngineError(.shapeMismatch, "\(name) must hold one value, not \(values.count).")
                }
                return values[0]
            }
            return fallback.map { T(converting: $0) }
        }

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let lo: T = try bound(low, clip.min, "min") ?? T.lowest
            let hi: T = try bound(high, clip.max, "max") ?? T.highest
            // std::min(std::max(x, lo), hi), as onnxruntime: hi wins when lo > hi.
            let out = try x.values(T.self).map { v -> T in
                let raised = v < lo ? lo : v
                return hi < raised ? hi : raised
            }
            return .of(out, x.shape)
        }
    }
}
