/// TopK: the k largest (or smallest) entries along an axis and their int64 indices.
///
/// Ties keep the lower index first. NaN ranks first in either direction; onnxruntime's order
/// around NaN depends on its selection algorithm and is not matched exactly.
/// The result is always sorted.
public struct TopK: Operator {
    public let axis: Int
    public let largest: Bool
    /// Attribute k (opset 1); nil reads input 1.
    public let k: Int?

    public init(axis: Int, largest: Bool, k: Int? = nil) {
        self.axis = axis
        self.largest = largest
        self.k = k
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, TypeRules.numeric)
        if k == nil { _ = try TypeRules.input(inputs, 1, [.int64], role: "K") }
        try ShapeMath.checkAxis(axis, rank: x.rank)
        var shape = try ShapeMath.unknown(rank: x.rank)
        if let full = x.shape, let k {
            shape = full
            shape?[axis < 0 ? axis + full.count : axis] = k
        }
        return [.tensor(TensorType(x.elementType, shape: shape)), .tensor(TensorType(.int64, shape: shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let count = try k ?? {
            let v = try ShapeMath.integers(try tensor(inputs, 1), role: "K")
            guard v.count == 1 else { throw EngineError(.shapeMismatch, "K must hold one value, not \(v.count).") }
            return v[0]
        }()
        return try Kernel(x: x, k: count, op: self).dispatch(x.elementType)
    }

    struct Kernel: NumericKernel {
        let x: Tensor, k: Int, op: TopK

        func run<T: CoreNumber>(_ type: T.Type) throws -> [Value] {
            let a = try ShapeMath.axis(op.axis, rank: x.rank)
            let n = x.shape[a]
            guard k >= 0, k <= n else { throw EngineError(.invalidValue, "K '\(k)' is out of range for an axis of size \(n).") }
            let outer = ShapeMath.product(x.shape[..<a]), inner = ShapeMath.product(x.shape[(a + 1)...])
            let values = try x.values(T.self)
            var outValues = [T](repeating: T.zero, count: outer * k * inner)
            var outIndices = [Int64](repeating: 0, count: outer * k * inner)
            let largest = op.largest
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * n * inner + i
                    // A strict total order (NaN first, ties by position), so keeping the k best
                    // while scanning gives exactly the sorted prefix.
                    func before(_ p: Int, _ q: Int) -> Bool {
                        let u = values[base + p * inner], v = values[base + q * inner]
                        if u.isNaNValue || v.isNaNValue { return u.isNaNValue && (!v.isNaNValue || p < q) }
                        if u != v { return largest ? u > v : u < v }
                        return p < q
                    }
                    let order: [Int]
                    if k <= 64 {
                        var best: [Int] = []
                        best.reserveCapacity(k + 1)
                        for p in 0..<n where best.count < k || before(p, best[best.count - 1]) {
                            var at = best.count
                            while at > 0, before(p, best[at - 1]) { at -= 1 }
                            best.insert(p, at: at)
                            if best.count > k { best.removeLast() }
                        }
                        order = best
                    } else {
                        order = Array((0..<n).sorted(by: before).prefix(k))
                    }
                    for (j, source) in order.enumerated() {
                        outValues[o * k * inner + j * inner + i] = values[base + source * inner]
                        outIndices[o * k * inner + j * inner + i] = Int64(source)
                    }
                }
            }
            var shape = x.shape
            shape[a] = k
            return [.tensor(.of(outValues, shape)), .tensor(Tensor(unchecked: shape, .int64(outIndices)))]
        }
    }
}
