/// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceSumSquare, ReduceL1,
/// ReduceL2, ReduceLogSum and ReduceLogSumExp over some axes.
///
/// Axes come from the operator (attribute form) or from optional input 1 (ReduceSum from
/// opset 13, the others from 18). No axes means all axes, or no reduction at all when
/// `noopWithEmptyAxes`. Max and min start from the first element and take a later one only
/// when it compares greater (less), as onnxruntime's loops do; an empty reduction gives the
/// identity (0, 1, -inf, +inf; 0 for mean).
public struct Reduce: Operator {
    public enum Function: String, Sendable { case sum, mean, max, min, prod, sumSquare, l1, l2, logSum, logSumExp }

    public let function: Function
    /// Attribute axes; nil with `axesFromInput` reads input 1.
    public let axes: [Int]?
    public let axesFromInput: Bool
    public let keepDims: Bool
    public let noopWithEmptyAxes: Bool

    public init(_ function: Function, axes: [Int]?, axesFromInput: Bool, keepDims: Bool, noopWithEmptyAxes: Bool = false) {
        self.function = function
        self.axes = axes
        self.axesFromInput = axesFromInput
        self.keepDims = keepDims
        self.noopWithEmptyAxes = noopWithEmptyAxes
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, acceptsBool ? TypeRules.numeric.union([.bool]) : TypeRules.numeric, role: "data")
        var axisCount = axes?.count
        if axesFromInput {
            if let a = try TypeRules.optionalInput(inputs, 1, [.int64], role: "axes") {
                axisCount = ShapeMath.staticLength(of: a)
            } else {
                axisCount = 0
            }
        }
        if let rank = x.rank, let axes { for axis in axes { try ShapeMath.checkAxis(axis, rank: rank) } }
        guard let rank = x.rank, let count = axisCount else {
            return try [.tensor(TensorType(x.elementType, shape: keepDims ? ShapeMath.unknown(rank: x.rank) : nil))]
        }
        if count == 0 && noopWithEmptyAxes { return [.tensor(x)] }
        let reduced = count == 0 ? rank : count
        return try [.tensor(TensorType(x.elementType, shape: ShapeMath.unknown(rank: keepDims ? rank : rank - reduced)))]
    }

    /// Max and min of bool tensors are any and all (opset 20).
    private var acceptsBool: Bool { function == .max || function == .min }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        var x = try tensor(inputs, 0)
        if case .bool(let flags) = x.storage, acceptsBool {
            x = Tensor(unchecked: x.shape, .int32(flags.map { $0 ? 1 : 0 }))
            let result = try run([.tensor(x)] + inputs.dropFirst())
            guard case .tensor(let t)? = result.first, case .int32(let v) = t.storage else { return result }
            return [.tensor(Tensor(unchecked: t.shape, .bool(v.map { $0 != 0 })))]
        }
        let listed = try axesFromInput ? optionalTensor(inputs, 1).map { try ShapeMath.integers($0, role: "axes") } : axes
        if (listed ?? []).isEmpty && noopWithEmptyAxes { return [.tensor(x)] }
        let reduced = Set(try ShapeMath.axes(listed.flatMap { $0.isEmpty ? nil : $0 } ?? Array(0..<x.rank), rank: x.rank))
        let kept = x.shape.indices.map { reduced.contains($0) ? 1 : x.shape[$0] }
        let outShape = keepDims ? kept : x.shape.indices.filter { !reduced.contains($0) }.map { x.shape[$0] }
        let target = try Broadcast.sourceIndices(from: kept, to: x.shape)
        let outCount = ShapeMath.product(kept[...])
        let kernel = Kernel(x: x, target: target, outCount: outCount, outShape: outShape, function: function)
        return [.tensor(try kernel.dispatch(x.elementType))]
    }

    struct Kernel: NumericKernel {
        let x: Tensor, target: [Int], outCount: Int, outShape: [Int], function: Function

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let values = try x.values(T.self)
            let perOutput = outCount == 0 ? 0 : values.count / outCount
            var acc: [T]
            switch function {
            case .sum, .mean: acc = accumulate(values, start: T.zero, T.plus)
            case .prod: acc = accumulate(values, start: T.one, T.times)
            case .max: acc = extreme(values, empty: T.lowest, >)
            case .min: acc = extreme(values, empty: T.highest, <)
            case .sumSquare: acc = accumulate(values.map { T.times($0, $0) }, start: T.zero, T.plus)
            case .l1: acc = accumulate(values.map(\.absoluteValue), start: T.zero, T.plus)
            case .l2:
                acc = accumulate(values.map { T.times($0, $0) }, start: T.zero, T.plus)
                    .map { T(converting: $0.asDouble.squareRoot()) }
            case .logSum: acc = accumulate(values, start: T.zero, T.plus).map { T(converting: log($0.asDouble)) }
            case .logSumExp: acc = logSumExp(values)
            }
            if function == .mean {
                let n = T(convertingInteger: Int64(perOutput))
                acc = perOutput == 0 ? acc : acc.map { T.over($0, n) }
            }
            return .of(acc, outShape)
        }

        private func accumulate<T>(_ values: [T], start: T, _ f: (T, T) -> T) -> [T] {
            var acc = [T](repeating: start, count: outCount)
            for (i, v) in values.enumerated() { acc[target[i]] = f(acc[target[i]], v) }
            return acc
        }

        /// `max + log(sum(exp(x - max)))` per output, as onnxruntime computes it (stable for large x).
        private func logSumExp<T: CoreNumber>(_ values: [T]) -> [T] {
            let maxima = extreme(values, empty: T.lowest, >).map { $0.asDouble.isFinite ? $0.asDouble : 0 }
            var sums = [Double](repeating: 0, count: outCount)
            for (i, v) in values.enumerated() { sums[target[i]] += exp(v.asDouble - maxima[target[i]]) }
            return zip(sums, maxima).map { T(converting: log($0) + $1) }
        }

        private func extreme<T>(_ values: [T], empty: T, _ better: (T, T) -> Bool) -> [T] {
            var acc = [T](repeating: empty, count: outCount)
            var seen = [Bool](repeating: false, count: outCount)
            for (i, v) in values.enumerated() {
                let o = target[i]
                if !seen[o] {
                    seen[o] = true
                    acc[o] = v
                } else if better(v, acc[o]) {
                    acc[o] = v
                }
            }
            return acc
        }
    }
}

/// ArgMax and ArgMin along one axis: int64 indices of the first (or last) extreme.
///
/// A NaN is never greater or less than anything, so it wins only at the first position.
public struct ArgReduce: Operator {
    public let findMax: Bool
    public let axis: Int
    public let keepDims: Bool
    public let selectLastIndex: Bool

    public init(max: Bool, axis: Int, keepDims: Bool, selectLastIndex: Bool) {
        self.findMax = max
        self.axis = axis
        self.keepDims = keepDims
        self.selectLastIndex = selectLastIndex
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, TypeRules.numeric, role: "data")
        try ShapeMath.checkAxis(axis, rank: x.rank)
        guard let shape = x.shape else { return [.tensor(TensorType(.int64))] }
        let a = axis < 0 ? axis + shape.count : axis
        var out = shape
        if keepDims { out[a] = 1 } else { out.remove(at: a) }
        return [.tensor(TensorType(.int64, shape: out))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        return [.tensor(try Kernel(x: x, op: self).dispatch(x.elementType))]
    }

    struct Kernel: NumericKernel {
        let x: Tensor, op: ArgReduce

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let a = try ShapeMath.axis(op.axis, rank: x.rank)
            let dim = x.shape[a]
            guard dim > 0 else { throw EngineError(.invalidValue, "cannot take the arg-extreme of an empty axis.") }
            let outer = ShapeMath.product(x.shape[..<a]), inner = ShapeMath.product(x.shape[(a + 1)...])
            let values = try x.values(T.self)
            var out = [Int64]()
            out.reserveCapacity(outer * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * dim * inner + i
                    var best = values[base], bestIndex = 0
                    for k in 1..<Swift.max(dim, 1) {
                        let v = values[base + k * inner]
                        let wins = op.findMax ? (op.selectLastIndex ? v >= best : v > best)
                                              : (op.selectLastIndex ? v <= best : v < best)
                        if wins { best = v; bestIndex = k }
                    }
                    out.append(Int64(bestIndex))
                }
            }
            var shape = x.shape
            if op.keepDims { shape[a] = 1 } else { shape.remove(at: a) }
            return Tensor(unchecked: shape, .int64(out))
        }
    }
}
