/// Maps each element through a key → value table, with a default for missing keys (the
/// ai.onnx.ml `LabelEncoder` of opsets 2 and 4, as onnxruntime runs it: for a repeated key
/// the first entry wins, and NaN keys match NaN inputs only when `nanMatchesNaN`).
public struct LabelEncoder: Operator {
    public let keys: LabelList
    public let values: LabelList
    public let defaultValue: LabelScalar
    public let nanMatchesNaN: Bool
    private let index: LabelIndex

    /// Throws when keys and values differ in length or the default's type is not the values'.
    public init(keys: LabelList, values: LabelList, defaultValue: LabelScalar, nanMatchesNaN: Bool) throws {
        guard keys.count == values.count else {
            throw EngineError(.invalidAttribute, "\(keys.count) keys but \(values.count) values.")
        }
        guard defaultValue.elementType == values.elementType else {
            throw EngineError(.invalidAttribute,
                "the default is \(defaultValue.elementType) but the values are \(values.elementType).")
        }
        self.keys = keys
        self.values = values
        self.defaultValue = defaultValue
        self.nanMatchesNaN = nanMatchesNaN
        index = LabelIndex(keys, nanMatchesNaN: nanMatchesNaN)
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        guard x.elementType == keys.elementType else {
            throw EngineError(.typeMismatch, "input 0 is \(x.elementType) but the keys are \(keys.elementType).")
        }
        return [.tensor(TensorType(values.elementType, shape: x.shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard let positions = index.positions(of: x.storage) else {
            throw EngineError(.typeMismatch, "input 0 is \(x.elementType) but the keys are \(keys.elementType).")
        }
        return [.tensor(Tensor(unchecked: x.shape, try values.gather(positions, default: defaultValue)))]
    }
}

/// Key → first position, per key type; NaN float keys kept aside.
private enum LabelIndex: Sendable {
    case string([String: Int])
    case int64([Int64: Int])
    case int32([Int32: Int])
    case float32([Float: Int], nan: Int?)
    case float64([Double: Int], nan: Int?)

    init(_ keys: LabelList, nanMatchesNaN: Bool) {
        func first<K: Hashable>(_ v: [K], skip: (K) -> Bool = { _ in false }) -> [K: Int] {
            var map: [K: Int] = [:]
            for (i, k) in v.enumerated() where !skip(k) && map[k] == nil { map[k] = i }
            return map
        }
        switch keys {
        case .string(let v): self = .string(first(v))
        case .int64(let v): self = .int64(first(v))
        case .int32(let v): self = .int32(first(v))
        case .float32(let v):
            self = .float32(first(v, skip: \.isNaN), nan: nanMatchesNaN ? v.firstIndex { $0.isNaN } : nil)
        case .float64(let v):
            self = .float64(first(v, skip: \.isNaN), nan: nanMatchesNaN ? v.firstIndex { $0.isNaN } : nil)
        }
    }

    /// The key position of each element, or nil when the element's type is not the keys'.
    func positions(of storage: TensorStorage) -> [Int?]? {
        switch (self, storage) {
        case (.string(let m), .string(let v)): v.map { m[$0] }
        case (.int64(let m), .int64(let v)): v.map { m[$0] }
        case (.int32(let m), .int32(let v)): v.map { m[$0] }
        case (.float32(let m, let nan), .float32(let v)): v.map { $0.isNaN ? nan : m[$0] }
        case (.float64(let m, let nan), .float64(let v)): v.map { $0.isNaN ? nan : m[$0] }
        default: nil
        }
    }
}
