/// Shape arithmetic shared by the core kernels: checked sizes, axes, strides.
enum ShapeMath {
    /// The largest element count one tensor may have (`TensorLimits.maxElements`).
    static var maxElements: Int { TensorLimits.maxElements }

    /// The element count of `shape`, or an `EngineError` when negative, overflowing, of
    /// too many dimensions or too large (`TensorLimits.checkedCount`).
    static func count(_ shape: [Int]) throws -> Int { try TensorLimits.checkedCount(shape) }

    /// `axis` made non-negative for a tensor of `rank` (valid range `-rank..<rank`).
    static func axis(_ axis: Int, rank: Int, role: String = "axis") throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw EngineError(.invalidValue, "\(role) '\(axis)' is out of range for a tensor of rank \(rank).")
        }
        return resolved
    }

    /// Like `axis(_:rank:role:)`, as a load error when the rank is known statically.
    static func checkAxis(_ axis: Int, rank: Int?, role: String = "axis") throws {
        guard let rank else { return }
        guard axis >= -rank, axis < rank else {
            throw EngineError(.invalidAttribute, "\(role) '\(axis)' is out of range for an input of rank \(rank).")
        }
    }

    /// Axes made non-negative, rejecting duplicates.
    static func axes(_ axes: [Int], rank: Int, role: String = "axes") throws -> [Int] {
        var seen = Set<Int>()
        return try axes.map { raw in
            let a = try axis(raw, rank: rank, role: role)
            guard seen.insert(a).inserted else {
                throw EngineError(.invalidValue, "\(role) lists axis '\(raw)' twice.")
            }
            return a
        }
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for index in shape.indices.reversed() {
            strides[index] = step
            step = step &* Swift.max(shape[index], 1)
        }
        return strides
    }

    /// The product of `shape[range]` (sizes already checked, so no overflow).
    static func product(_ shape: ArraySlice<Int>) -> Int { shape.reduce(1, *) }

    /// An integer tensor's values as `Int`s (for shapes, axes, indices read at run time).
    static func integers(_ tensor: Tensor, role: String) throws -> [Int] {
        switch tensor.storage {
        case .int64(let v):
            return try v.map { value in
                guard let i = Int(exactly: value) else {
                    throw EngineError(.invalidValue, "\(role) value '\(value)' does not fit an Int.")
                }
                return i
            }
        case .int32(let v): return v.map(Int.init)
        default:
            throw EngineError(.typeMismatch, "\(role) must be int64 or int32, not \(tensor.elementType).")
        }
    }

    /// The static rank of a shape-like 1-D input: its length, when known.
    static func staticLength(of type: TensorType) -> Int? {
        guard let shape = type.shape, shape.count == 1 else { return nil }
        return shape[0]
    }
}

extension ShapeMath {
    /// Flat source offsets of the cartesian product of per-axis source coordinates, row-major:
    /// element `(i0, i1, …)` reads `Σ coords[d][i_d] * strides[d]`.
    static func offsets(_ coords: [[Int]], strides: [Int]) throws -> [Int] {
        _ = try count(coords.map(\.count))
        var offsets = [0]
        for (axis, axisCoords) in coords.enumerated() {
            let stride = strides[axis]
            var next = [Int]()
            next.reserveCapacity(offsets.count * axisCoords.count)
            for base in offsets {
                for c in axisCoords { next.append(base + c * stride) }
            }
            offsets = next
        }
        return offsets
    }

    /// A static output shape whose rank is known but whose dimensions are not; a load error
    /// when the rank is negative (axes counted twice) or above `TensorLimits.maxRank`.
    static func unknown(rank: Int?) throws -> [Int?]? {
        guard let rank else { return nil }
        guard rank >= 0, rank <= TensorLimits.maxRank else {
            throw EngineError(.typeMismatch, "the output would have \(rank) dimensions; expected 0 to \(TensorLimits.maxRank).")
        }
        return [Int?](repeating: nil, count: rank)
    }
}
