/// Concatenates numeric inputs along axis 1 into one float32 `[N, sum(dimensions)]` matrix
/// (the ai.onnx.ml `FeatureVectorizer`, as onnxruntime does it: each input's row is cut or
/// zero-padded to its declared dimension, `N` is the first input's batch size, and an input
/// with fewer rows leaves the rest zero).
public struct FeatureVectorizer: Operator {
    /// The width each input contributes, in input order.
    public let dimensions: [Int]
    public let totalWidth: Int

    /// Throws on a negative dimension or a total above `TensorLimits.maxElements`.
    public init(dimensions: [Int]) throws {
        guard !dimensions.isEmpty else { throw EngineError(.invalidAttribute, "FeatureVectorizer needs at least one input dimension.") }
        if let dim = dimensions.first(where: { $0 < 0 }) {
            throw EngineError(.invalidAttribute, "input dimension '\(dim)' is negative.")
        }
        guard let total = TensorLimits.sum(dimensions) else {
            throw EngineError(.invalidAttribute, "the input dimensions add up to more than \(TensorLimits.maxElements) features.")
        }
        self.dimensions = dimensions
        totalWidth = total
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        guard inputs.count == dimensions.count else {
            throw EngineError(.invalidGraph, "has \(inputs.count) inputs but \(dimensions.count) input dimensions.")
        }
        var rows: Int? = nil
        for index in inputs.indices {
            let type = try tensorType(inputs, index)
            try MLTensorSupport.requireNumeric(type, role: "input \(index)")
            if type.rank == 0 { throw EngineError(.typeMismatch, "input \(index) must have at least one dimension.") }
            if index == 0, let shape = type.shape { rows = shape.count == 1 ? 1 : shape[0] }
        }
        return [.tensor(TensorType(.float32, shape: [rows, totalWidth]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        guard inputs.count == dimensions.count else {
            throw EngineError(.missingInput, "expected \(dimensions.count) inputs, got \(inputs.count).")
        }
        let first = try tensor(inputs, 0)
        guard let firstDim = first.shape.first else {
            throw EngineError(.shapeMismatch, "input 0 must have at least one dimension.")
        }
        let rows = first.rank == 1 ? 1 : firstDim
        guard let total = TensorLimits.elementCount([rows, totalWidth]) else {
            throw EngineError(.tooLarge, "the output of \(rows) rows of \(totalWidth) features exceeds \(TensorLimits.maxElements) elements.")
        }
        var out = [Float](repeating: 0, count: total)
        var offset = 0
        for (index, dimension) in dimensions.enumerated() {
            let x = try tensor(inputs, index)
            try copy(x, index: index, into: &out, rows: rows, offset: offset, dimension: dimension)
            offset += dimension
        }
        return [.tensor(Tensor(unchecked: [rows, totalWidth], .float32(out)))]
    }

    private func copy(_ x: Tensor, index: Int, into out: inout [Float], rows: Int, offset: Int, dimension: Int) throws {
        guard let leading = x.shape.first else {
            throw EngineError(.shapeMismatch, "input \(index) must have at least one dimension.")
        }
        let inputRows = x.rank == 1 ? 1 : leading
        guard inputRows <= rows else {
            throw EngineError(.shapeMismatch, "input \(index) has \(inputRows) rows but input 0 has \(rows).")
        }
        let width = inputRows == 0 ? 0 : x.count / inputRows
        let copied = min(width, dimension)
        let values = try MLTensorSupport.floats(x, role: "input \(index)")
        for row in 0..<inputRows {
            for k in 0..<copied { out[row * totalWidth + offset + k] = values[row * width + k] }
        }
    }
}
