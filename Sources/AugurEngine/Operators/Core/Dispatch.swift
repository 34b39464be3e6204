/// A kernel written once for every numeric element type, run for the type of a tensor.
protocol NumericKernel {
    associatedtype Output
    func run<T: CoreNumber>(_ type: T.Type) throws -> Output
}

/// A kernel written once for float32 and float64.
protocol FloatKernel {
    associatedtype Output
    func run<T: CoreFloat>(_ type: T.Type) throws -> Output
}

extension NumericKernel {
    /// Runs the kernel for `type`; a type mismatch error for bool and string.
    func dispatch(_ type: ElementType) throws -> Output {
        switch type {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        case .int64: try run(Int64.self)
        case .int32: try run(Int32.self)
        case .bool, .string: throw EngineError(.typeMismatch, "expected a numeric tensor, not \(type).")
        }
    }
}

extension FloatKernel {
    /// Runs the kernel for `type`; a type mismatch error for non-float types.
    func dispatch(_ type: ElementType) throws -> Output {
        switch type {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        default: throw EngineError(.typeMismatch, "expected a float32 or float64 tensor, not \(type).")
        }
    }
}

extension Tensor {
    /// The elements as `[T]`, or a type mismatch error.
    func values<T: CoreNumber>(_ type: T.Type) throws -> [T] {
        guard let values = T.values(storage) else {
            throw EngineError(.typeMismatch, "expected \(T.elementType), found \(elementType).")
        }
        return values
    }

    /// A tensor of `values` with `shape` (the caller guarantees matching counts).
    static func of<T: CoreNumber>(_ values: [T], _ shape: [Int]) -> Tensor {
        Tensor(unchecked: shape, T.storage(values))
    }
}

/// Load-time type checks shared by the core operators.
enum TypeRules {
    static let numeric: Set<ElementType> = [.float32, .float64, .int64, .int32]
    static let floats: Set<ElementType> = [.float32, .float64]

    /// Input `index` as a tensor type whose element type is in `allowed`.
    static func input(_ inputs: [ValueType?], _ index: Int, _ allowed: Set<ElementType>, role: String? = nil) throws -> TensorType {
        let name = role ?? "input \(index)"
        guard index < inputs.count, let value = inputs[index] else {
            throw EngineError(.invalidGraph, "\(name) is required.")
        }
        guard let type = value.tensorType else {
            throw EngineError(.typeMismatch, "\(name) must be a tensor, not \(value).")
        }
        guard allowed.contains(type.elementType) else {
            let names = ElementType.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw EngineError(.typeMismatch, "\(name) has element type \(type.elementType); this operator takes \(names).")
        }
        return type
    }

    /// Optional input `index` (nil when absent).
    static func optionalInput(_ inputs: [ValueType?], _ index: Int, _ allowed: Set<ElementType>, role: String? = nil) throws -> TensorType? {
        guard index < inputs.count, inputs[index] != nil else { return nil }
        return try input(inputs, index, allowed, role: role)
    }

    /// Checks that every type has the element type of the first.
    static func same(_ types: [TensorType]) throws {
        guard let first = types.first?.elementType else { return }
        for type in types where type.elementType != first {
            throw EngineError(.typeMismatch, "inputs must share one element type; found \(first) and \(type.elementType).")
        }
    }
}
