/// Replaces each element by a one-hot row over a fixed category list, float32 out with one
/// extra trailing axis (onnxruntime's `OneHotEncoder`; numeric inputs are truncated to int64).
public struct OneHotEncoder: Operator {
    /// The category list, integer or string.
    public enum Categories: Sendable, Equatable {
        case int64([Int64])
        case string([String])

        public var count: Int {
            switch self {
            case .int64(let v): v.count
            case .string(let v): v.count
            }
        }
    }

    public let categories: Categories
    /// When false, an element outside the categories is an error instead of an all-zero row.
    public let zerosForUnknown: Bool
    private let intIndex: [Int64: Int]
    private let stringIndex: [String: Int]

    /// Throws when there are no categories. A repeated category maps to its last position.
    public init(categories: Categories, zerosForUnknown: Bool) throws {
        guard categories.count > 0 else { throw EngineError(.invalidAttribute, "a one-hot encoder needs at least one category.") }
        guard categories.count <= TensorLimits.maxElements else {
            throw EngineError(.invalidAttribute, "\(categories.count) categories exceed the limit of \(TensorLimits.maxElements).")
        }
        self.categories = categories
        self.zerosForUnknown = zerosForUnknown
        var ints: [Int64: Int] = [:]
        var strings: [String: Int] = [:]
        switch categories {
        case .int64(let v): for (i, c) in v.enumerated() { ints[c] = i }
        case .string(let v): for (i, c) in v.enumerated() { strings[c] = i }
        }
        intIndex = ints
        stringIndex = strings
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        switch (categories, x.elementType) {
        case (.string, .string), (.int64, .int64), (.int64, .int32), (.int64, .float32), (.int64, .float64):
            break
        case (.string, _):
            throw EngineError(.typeMismatch, "input 0 is \(x.elementType) but the categories are strings.")
        case (.int64, _):
            throw EngineError(.typeMismatch, "input 0 is \(x.elementType) but the categories are integers.")
        }
        return [.tensor(TensorType(.float32, shape: x.shape.map { $0 + [categories.count] }))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let width = categories.count
        let shape = x.shape + [width]
        guard let total = TensorLimits.elementCount(shape) else {
            throw EngineError(.tooLarge, "the one-hot output for input shape \(x.shape) and \(width) categories exceeds \(TensorLimits.maxElements) elements.")
        }
        let positions: [Int?]
        switch x.storage {
        case .string(let v): positions = v.map { stringIndex[$0] }
        case .int64(let v): positions = v.map { intIndex[$0] }
        case .int32(let v): positions = v.map { intIndex[Int64($0)] }
        case .float32(let v): positions = v.map { intIndex[MLTensorSupport.truncatedInt64(Double($0))] }
        case .float64(let v): positions = v.map { intIndex[MLTensorSupport.truncatedInt64($0)] }
        case .bool:
            throw EngineError(.typeMismatch, "input 0 cannot be bool.")
        }
        var out = [Float](repeating: 0, count: total)
        for (i, position) in positions.enumerated() {
            if let position {
                out[i * width + position] = 1
            } else if !zerosForUnknown {
                throw EngineError(.invalidValue, "input element \(i) is not one of the categories (and 'zeros' is 0).")
            }
        }
        return [.tensor(Tensor(unchecked: shape, .float32(out)))]
    }
}
