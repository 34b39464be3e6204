/// Selects elements along the last axis by index (the ai.onnx.ml `ArrayFeatureExtractor`;
/// output shape as onnxruntime's: a rank-1 input gives `[1, k]`, otherwise the last
/// dimension becomes the index count `k`). A negative index counts from the end, as in onnx's
/// reference implementation (numpy indexing): skl2onnx's radius neighbours pass -1 for the
/// training rows outside the radius and weigh them by zero (onnxruntime checks only the upper
/// bound and reads before the row).
public struct ArrayFeatureExtractor: Operator {
    public init() {}

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        let y = try tensorType(inputs, 1)
        guard x.elementType != .bool else { throw EngineError(.typeMismatch, "input 0 cannot be bool.") }
        guard y.elementType == .int64 else {
            throw EngineError(.typeMismatch, "input 1 (the indices) must be int64, not \(y.elementType).")
        }
        if x.rank == 0 { throw EngineError(.typeMismatch, "input 0 must have at least one dimension.") }
        guard let shape = x.shape else { return [.tensor(TensorType(x.elementType))] }
        let k: Int? = y.shape.flatMap { dims in
            dims.allSatisfy { $0 != nil } ? TensorLimits.product(dims.compactMap { $0 }, cap: .max) : nil
        }
        let out: [Int?] = shape.count == 1 ? [1, k] : Array(shape.dropLast()) + [k]
        return [.tensor(TensorType(x.elementType, shape: out))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let y = try tensor(inputs, 1)
        guard case .int64(let raw) = y.storage else {
            throw EngineError(.typeMismatch, "input 1 (the indices) must be int64, not \(y.elementType).")
        }
        guard let stride = x.shape.last else {
            throw EngineError(.shapeMismatch, "input 0 must have at least one dimension.")
        }
        guard !raw.isEmpty else { throw EngineError(.invalidValue, "input 1 (the indices) is empty.") }
        var indices = [Int]()
        indices.reserveCapacity(raw.count)
        for (i, index) in raw.enumerated() {
            let resolved = index < 0 ? index + Int64(stride) : index
            guard resolved >= 0, resolved < stride else {
                throw EngineError(.invalidValue, "index '\(index)' (element \(i) of input 1) is out of range for a last axis of \(stride).")
            }
            indices.append(Int(resolved))
        }
        let rows = stride == 0 ? 0 : x.count / stride
        let shape = x.rank == 1 ? [1, indices.count] : Array(x.shape.dropLast()) + [indices.count]
        guard TensorLimits.elementCount(shape) != nil else {
            throw EngineError(.tooLarge, "the output shape \(shape) exceeds \(TensorLimits.maxElements) elements.")
        }
        let storage: TensorStorage
        switch x.storage {
        case .float32(let v): storage = .float32(pick(v, rows: rows, stride: stride, indices: indices))
        case .float64(let v): storage = .float64(pick(v, rows: rows, stride: stride, indices: indices))
        case .int64(let v): storage = .int64(pick(v, rows: rows, stride: stride, indices: indices))
        case .int32(let v): storage = .int32(pick(v, rows: rows, stride: stride, indices: indices))
        case .string(let v): storage = .string(pick(v, rows: rows, stride: stride, indices: indices))
        case .bool: throw EngineError(.typeMismatch, "input 0 cannot be bool.")
        }
        return [.tensor(try Tensor(shape: shape, storage: storage))]
    }

    private func pick<T>(_ v: [T], rows: Int, stride: Int, indices: [Int]) -> [T] {
        var out = [T]()
        out.reserveCapacity(rows * indices.count)
        for row in 0..<rows {
            let base = row * stride
            for index in indices { out.append(v[base + index]) }
        }
        return out
    }
}
