/// The dense arithmetic shared by the linear classifier and regressor.
enum LinearKernel {
    /// `X · Wᵀ + b` for row-major `X` (`rows × features`) and `W` (`biases.count × features`),
    /// accumulated in float32 like onnxruntime's Gemm.
    static func scores(_ x: [Float], rows: Int, weights: [Float], biases: [Float]?, features: Int) throws -> [Float] {
        let targets = weights.count / max(features, 1)
        guard let total = TensorLimits.product([rows, targets]) else {
            throw EngineError(.tooLarge, "\(rows) rows of \(targets) scores exceed \(TensorLimits.maxElements) elements.")
        }
        let bias = (0..<targets).map { target -> Float in
            guard let biases, target < biases.count else { return 0 }
            return biases[target]
        }
        let out = [Float](unsafeUninitializedCapacity: total) { zs, initialized in
            x.withUnsafeBufferPointer { xs in
                weights.withUnsafeBufferPointer { ws in
                    bias.withUnsafeBufferPointer { bs in
                        for row in 0..<rows {
                            let xRow = row * features
                            for target in 0..<targets {
                                let wRow = target * features
                                var sum: Float = 0
                                for k in 0..<features { sum += xs[xRow + k] * ws[wRow + k] }
                                zs[row * targets + target] = sum + bs[target]
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return out
    }

    /// Index of the first largest value in `values[start..<start + count]` (NaN never wins
    /// over an earlier value, as in onnxruntime's strict `>` scan).
    static func argmax(_ values: [Float], start: Int, count: Int) -> Int {
        var best = 0
        var bestValue = values[start]
        for j in 1..<max(count, 1) where values[start + j] > bestValue {
            best = j
            bestValue = values[start + j]
        }
        return best
    }
}
