/// Maps strings to integers or integers to strings through two parallel lists, with a
/// default for values not in the lists (the ai.onnx.ml `CategoryMapper`, and `LabelEncoder`
/// of opset 1 with the integers `0..<n`). For repeated entries the last one wins, as in
/// onnxruntime.
public struct CategoryMapper: Operator {
    public let strings: [String]
    public let ints: [Int64]
    /// The output for an integer not in `ints`.
    public let defaultString: String
    /// The output for a string not in `strings`.
    public let defaultInt: Int64
    private let stringToInt: [String: Int64]
    private let intToString: [Int64: String]

    /// Throws when the two lists differ in length.
    public init(strings: [String], ints: [Int64], defaultString: String, defaultInt: Int64) throws {
        guard strings.count == ints.count else {
            throw EngineError(.invalidAttribute, "\(strings.count) strings but \(ints.count) integers.")
        }
        self.strings = strings
        self.ints = ints
        self.defaultString = defaultString
        self.defaultInt = defaultInt
        var s2i: [String: Int64] = [:]
        var i2s: [Int64: String] = [:]
        for (s, i) in zip(strings, ints) {
            s2i[s] = i
            i2s[i] = s
        }
        stringToInt = s2i
        intToString = i2s
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        switch x.elementType {
        case .string: return [.tensor(TensorType(.int64, shape: x.shape))]
        case .int64: return [.tensor(TensorType(.string, shape: x.shape))]
        default: throw EngineError(.typeMismatch, "input 0 must be string or int64, not \(x.elementType).")
        }
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        switch x.storage {
        case .string(let v):
            return [.tensor(Tensor(unchecked: x.shape, .int64(v.map { stringToInt[$0] ?? defaultInt })))]
        case .int64(let v):
            return [.tensor(Tensor(unchecked: x.shape, .string(v.map { intToString[$0] ?? defaultString })))]
        default:
            throw EngineError(.typeMismatch, "input 0 must be string or int64, not \(x.elementType).")
        }
    }
}
