/// Row (axis 0) slicing and stacking, for splitting a batch across threads and joining results.
extension TensorStorage {
    /// Elements `range` of the flat storage.
    func slice(_ range: Range<Int>) -> TensorStorage {
        switch self {
        case .float32(let v): .float32(Array(v[range]))
        case .float64(let v): .float64(Array(v[range]))
        case .int64(let v): .int64(Array(v[range]))
        case .int32(let v): .int32(Array(v[range]))
        case .bool(let v): .bool(Array(v[range]))
        case .string(let v): .string(Array(v[range]))
        }
    }

    /// All parts' elements in order, when they share one element type.
    static func joined(_ parts: [TensorStorage]) -> TensorStorage? {
        guard let first = parts.first else { return nil }
        func all<T>(_ extract: (TensorStorage) -> [T]?) -> [T]? {
            var out: [T] = []
            out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for part in parts {
                guard let v = extract(part) else { return nil }
                out.append(contentsOf: v)
            }
            return out
        }
        switch first {
        case .float32: return all { if case .float32(let v) = $0 { v } else { nil } }.map { .float32($0) }
        case .float64: return all { if case .float64(let v) = $0 { v } else { nil } }.map { .float64($0) }
        case .int64: return all { if case .int64(let v) = $0 { v } else { nil } }.map { .int64($0) }
        case .int32: return all { if case .int32(let v) = $0 { v } else { nil } }.map { .int32($0) }
        case .bool: return all { if case .bool(let v) = $0 { v } else { nil } }.map { .bool($0) }
        case .string: return all { if case .string(let v) = $0 { v } else { nil } }.map { .string($0) }
        }
    }
}

extension Tensor {
    /// Rows `range` along axis 0.
    public func rows(_ range: Range<Int>) -> Tensor {
        guard let rows = shape.first, rows > 0 else { return self }
        let width = count / rows
        var newShape = shape
        newShape[0] = range.count
        return Tensor(unchecked: newShape, storage.slice((range.lowerBound * width)..<(range.upperBound * width)))
    }

    /// Tensors of equal trailing shape stacked along axis 0.
    public static func stacking(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw EngineError(.shapeMismatch, "nothing to stack.") }
        let tail = Array(first.shape.dropFirst())
        guard !first.shape.isEmpty, parts.allSatisfy({ Array($0.shape.dropFirst()) == tail && !$0.shape.isEmpty }),
              let storage = TensorStorage.joined(parts.map(\.storage)) else {
            throw EngineError(.shapeMismatch, "parts of shapes \(parts.map(\.shape)) cannot be stacked by rows.")
        }
        return Tensor(unchecked: [parts.reduce(0) { $0 + $1.shape[0] }] + tail, storage)
    }
}

extension Value {
    /// Values of one kind stacked by rows (tensors along axis 0, maps row after row).
    public static func stacking(_ parts: [Value]) throws -> Value {
        if case .maps(let first)? = parts.first {
            var scores: [Float] = []
            for part in parts {
                guard case .maps(let m) = part, m.keys == first.keys else {
                    throw EngineError(.typeMismatch, "maps with different keys cannot be stacked.")
                }
                scores.append(contentsOf: m.scores)
            }
            return .maps(ProbabilityMaps(keys: first.keys, scores: scores))
        }
        return .tensor(try Tensor.stacking(parts.map { try $0.tensor("a stacked part") }))
    }

    /// Rows `range` along axis 0 (of a tensor or of a sequence of maps): a request's share
    /// of a batch, a chunk of a large one.
    public func rows(_ range: Range<Int>) -> Value {
        switch self {
        case .tensor(let t): return .tensor(t.rows(range))
        case .maps(let m):
            let k = m.keys.count
            return .maps(ProbabilityMaps(keys: m.keys, scores: Array(m.scores[(range.lowerBound * k)..<(range.upperBound * k)])))
        }
    }

    /// Rows along axis 0 (of a tensor or of a sequence of maps).
    public var rowCount: Int? {
        switch self {
        case .tensor(let t): t.shape.first
        case .maps(let m): m.rows
        }
    }
}
