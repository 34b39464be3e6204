/// Type-generic element movement for the shape kernels (which work on every element type).
extension TensorStorage {
    /// The elements at `indices`, in that order. Callers guarantee every index is in range.
    func gathered(_ indices: [Int]) -> TensorStorage {
        switch self {
        case .float32(let v): .float32(Self.pick(v, indices))
        case .float64(let v): .float64(Self.pick(v, indices))
        case .int64(let v): .int64(Self.pick(v, indices))
        case .int32(let v): .int32(Self.pick(v, indices))
        case .bool(let v): .bool(Self.pick(v, indices))
        case .string(let v): .string(Self.pick(v, indices))
        }
    }

    @inline(__always)
    private static func pick<T>(_ values: [T], _ indices: [Int]) -> [T] {
        values.withUnsafeBufferPointer { source in indices.map { source[$0] } }
    }

    /// `count` copies of the first element (which must exist).
    func repeatingFirst(_ count: Int) -> TensorStorage {
        switch self {
        case .float32(let v): .float32(Array(repeating: v[0], count: count))
        case .float64(let v): .float64(Array(repeating: v[0], count: count))
        case .int64(let v): .int64(Array(repeating: v[0], count: count))
        case .int32(let v): .int32(Array(repeating: v[0], count: count))
        case .bool(let v): .bool(Array(repeating: v[0], count: count))
        case .string(let v): .string(Array(repeating: v[0], count: count))
        }
    }

    /// An empty storage of `type`.
    static func empty(_ type: ElementType) -> TensorStorage {
        switch type {
        case .float32: .float32([])
        case .float64: .float64([])
        case .int64: .int64([])
        case .int32: .int32([])
        case .bool: .bool([])
        case .string: .string([])
        }
    }

    /// Appends `count` elements of `other` (same type) starting at `start`.
    mutating func append(from other: TensorStorage, start: Int, count: Int) {
        let range = start..<(start + count)
        switch (self, other) {
        case (.float32(var a), .float32(let b)): self = .float32([]); a += b[range]; self = .float32(a)
        case (.float64(var a), .float64(let b)): self = .float64([]); a += b[range]; self = .float64(a)
        case (.int64(var a), .int64(let b)): self = .int64([]); a += b[range]; self = .int64(a)
        case (.int32(var a), .int32(let b)): self = .int32([]); a += b[range]; self = .int32(a)
        case (.bool(var a), .bool(let b)): self = .bool([]); a += b[range]; self = .bool(a)
        case (.string(var a), .string(let b)): self = .string([]); a += b[range]; self = .string(a)
        default: return
        }
    }

    /// Reserves room for `count` elements.
    mutating func reserve(_ count: Int) {
        switch self {
        case .float32(var a): self = .float32([]); a.reserveCapacity(count); self = .float32(a)
        case .float64(var a): self = .float64([]); a.reserveCapacity(count); self = .float64(a)
        case .int64(var a): self = .int64([]); a.reserveCapacity(count); self = .int64(a)
        case .int32(var a): self = .int32([]); a.reserveCapacity(count); self = .int32(a)
        case .bool(var a): self = .bool([]); a.reserveCapacity(count); self = .bool(a)
        case .string(var a): self = .string([]); a.reserveCapacity(count); self = .string(a)
        }
    }

    /// Element-wise choice: `self[i]` where `condition[i]`, else `other[i]` (same type and count).
    func selecting(_ condition: [Bool], else other: TensorStorage) -> TensorStorage {
        func choose<T>(_ a: [T], _ b: [T]) -> [T] {
            var out = b
            for i in condition.indices where condition[i] { out[i] = a[i] }
            return out
        }
        switch (self, other) {
        case (.float32(let a), .float32(let b)): return .float32(choose(a, b))
        case (.float64(let a), .float64(let b)): return .float64(choose(a, b))
        case (.int64(let a), .int64(let b)): return .int64(choose(a, b))
        case (.int32(let a), .int32(let b)): return .int32(choose(a, b))
        case (.bool(let a), .bool(let b)): return .bool(choose(a, b))
        case (.string(let a), .string(let b)): return .string(choose(a, b))
        default: return self
        }
    }
}
