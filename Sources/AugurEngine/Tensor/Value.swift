/// What flows along a graph edge: a tensor, or the sequence of maps a ZipMap produces.
public enum Value: Sendable, Equatable {
    case tensor(Tensor)
    case maps(ProbabilityMaps)

    public var type: ValueType {
        switch self {
        case .tensor(let t): .tensor(t.type)
        case .maps(let m): .maps(key: m.keyType)
        }
    }

    /// The tensor, or an error naming `role` when this is not one.
    public func tensor(_ role: String) throws -> Tensor {
        guard case .tensor(let t) = self else {
            throw EngineError(.typeMismatch, "\(role) must be a tensor, not a sequence of maps.")
        }
        return t
    }
}

/// One map (label → score) per row, all with the same keys: ZipMap's output.
///
/// Stored as the shared keys plus a row-major `rows × keys.count` score matrix.
public struct ProbabilityMaps: Sendable, Equatable {
    public enum Keys: Sendable, Equatable {
        case int64([Int64])
        case string([String])

        public var count: Int {
            switch self {
            case .int64(let k): k.count
            case .string(let k): k.count
            }
        }

        /// The keys as strings (integer keys in decimal), as JSON object keys need them.
        public var strings: [String] {
            switch self {
            case .int64(let k): k.map(String.init)
            case .string(let k): k
            }
        }
    }

    public let keys: Keys
    public let scores: [Float]
    public var rows: Int { keys.count == 0 ? 0 : scores.count / keys.count }
    public var keyType: ElementType {
        if case .int64 = keys { return .int64 }
        return .string
    }

    public init(keys: Keys, scores: [Float]) {
        self.keys = keys
        self.scores = scores
    }

    /// The scores of one row, in key order.
    public func row(_ index: Int) -> ArraySlice<Float> {
        scores[(index * keys.count)..<((index + 1) * keys.count)]
    }
}
