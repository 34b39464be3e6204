/// A homogeneous list of keys or values.
public enum LabelList: Sendable, Equatable {
    case string([String])
    case int64([Int64])
    case int32([Int32])
    case float32([Float])
    case float64([Double])

    public var count: Int {
        switch self {
        case .string(let v): v.count
        case .int64(let v): v.count
        case .int32(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        }
    }

    public var elementType: ElementType {
        switch self {
        case .string: .string
        case .int64: .int64
        case .int32: .int32
        case .float32: .float32
        case .float64: .float64
        }
    }

    /// The value at each position, or `fallback` where the position is nil.
    func gather(_ positions: [Int?], default fallback: LabelScalar) throws -> TensorStorage {
        func pick<T>(_ v: [T], _ d: T) -> [T] { positions.map { $0.map { v[$0] } ?? d } }
        switch (self, fallback) {
        case (.string(let v), .string(let d)): return .string(pick(v, d))
        case (.int64(let v), .int64(let d)): return .int64(pick(v, d))
        case (.int32(let v), .int32(let d)): return .int32(pick(v, d))
        case (.float32(let v), .float32(let d)): return .float32(pick(v, d))
        case (.float64(let v), .float64(let d)): return .float64(pick(v, d))
        default:
            throw EngineError(.typeMismatch, "the default is \(fallback.elementType) but the values are \(elementType).")
        }
    }
}

/// One value of a `LabelList`'s type (a label encoder's default).
public enum LabelScalar: Sendable, Equatable {
    case string(String)
    case int64(Int64)
    case int32(Int32)
    case float32(Float)
    case float64(Double)

    public var elementType: ElementType {
        switch self {
        case .string: .string
        case .int64: .int64
        case .int32: .int32
        case .float32: .float32
        case .float64: .float64
        }
    }
}
