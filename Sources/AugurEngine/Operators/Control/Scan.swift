/// ONNX `Scan` (opset 9 and later): a body graph, compiled once into its own `Plan` and checked
/// at load like the model, run once per slice of the scan inputs, carrying state variables
/// from one iteration to the next and stacking each iteration's scan outputs.
///
/// Inputs: `stateCount` initial states, then `scanInputCount` tensors sliced along axis 0
/// (forward or reversed per input). Outputs: the final states, then one tensor per remaining
/// body output, stacked along axis 0 (forward or reversed). Other scan axes are refused at
/// load. What scikit-learn's converters use it for: pairwise distances (k-nearest neighbours,
/// Gaussian processes), one training row per iteration.
public struct Scan: Operator {
    public let body: Plan
    public let stateCount: Int
    public let scanInputCount: Int
    public let inputReversed: [Bool]
    public let outputReversed: [Bool]
    /// The body is scikit-learn's pairwise squared distances (`Identity(state)`, and
    /// `ReduceSumSquare(state - row, axes=[1], keepdims=0)`): run as one fused loop with the
    /// same float32 arithmetic, when the inputs are float32 matrices.
    public var squaredDistances = false

    var scanOutputCount: Int { body.outputs.count - stateCount }

    public init(body: Plan, scanInputCount: Int, inputReversed: [Bool], outputReversed: [Bool]) throws {
        guard scanInputCount >= 1, scanInputCount <= body.inputs.count else {
            throw EngineError(.invalidAttribute, "num_scan_inputs is \(scanInputCount); the body takes \(body.inputs.count) inputs.")
        }
        let states = body.inputs.count - scanInputCount
        guard body.outputs.count >= states else {
            throw EngineError(.invalidGraph, "the body returns \(body.outputs.count) values for \(states) state variables.")
        }
        guard inputReversed.count == scanInputCount else {
            throw EngineError(.invalidAttribute, "scan_input_directions has \(inputReversed.count) values for \(scanInputCount) scan inputs.")
        }
        guard outputReversed.count == body.outputs.count - states else {
            throw EngineError(.invalidAttribute, "scan_output_directions has \(outputReversed.count) values for \(body.outputs.count - states) scan outputs.")
        }
        for output in body.outputs where output.type.tensorType == nil {
            throw EngineError(.typeMismatch, "body output '\(output.name)' is not a tensor.")
        }
        self.body = body
        self.stateCount = states
        self.scanInputCount = scanInputCount
        self.inputReversed = inputReversed
        self.outputReversed = outputReversed
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        guard inputs.count == body.inputs.count else {
            throw EngineError(.missingInput, "Scan takes \(body.inputs.count) inputs (\(stateCount) states, \(scanInputCount) scanned), not \(inputs.count).")
        }
        for (index, input) in inputs.enumerated() {
            guard let type = input?.tensorType else { throw EngineError(.typeMismatch, "input \(index) must be a tensor.") }
            guard let declared = body.inputs[index].type.tensorType, declared.elementType == type.elementType else {
                throw EngineError(.typeMismatch, "input \(index) is \(type.elementType); the body's '\(body.inputs[index].name)' is \(body.inputs[index].type).")
            }
            if index >= stateCount, let rank = type.rank, rank < 1 {
                throw EngineError(.typeMismatch, "scan input \(index) must have at least one axis to scan.")
            }
        }
        let states = body.outputs.prefix(stateCount).map(\.type)
        let stacked = body.outputs.dropFirst(stateCount).map { output -> ValueType in
            let type = output.type.tensorType!
            return .tensor(TensorType(type.elementType, shape: type.shape.map { [nil] + $0 }))
        }
        return states + stacked
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        if squaredDistances, let fused = try distances(inputs) { return fused }
        var states = try (0..<stateCount).map { index -> Value in
            guard index < inputs.count, let value = inputs[index] else { throw EngineError(.missingInput, "state input \(index) is required.") }
            return value
        }
        let scanned = try (stateCount..<(stateCount + scanInputCount)).map { try tensor(inputs, $0) }
        let iterations = scanned[0].shape.first ?? 0
        for (index, input) in scanned.enumerated() {
            guard let length = input.shape.first, length == iterations else {
                throw EngineError(.shapeMismatch, "scan input \(stateCount + index) has \(input.shape.first.map(String.init) ?? "no") rows; the first has \(iterations).")
            }
        }
        guard iterations > 0 else { throw EngineError(.shapeMismatch, "Scan over zero rows has nothing to stack.") }
        var collected = [[Tensor]](repeating: [], count: scanOutputCount)
        for k in collected.indices { collected[k].reserveCapacity(iterations) }
        var stackedElements = 0
        var feeds = [Value]()
        feeds.reserveCapacity(body.inputs.count)
        for step in 0..<iterations {
            feeds.removeAll(keepingCapacity: true)
            feeds.append(contentsOf: states)
            for (index, input) in scanned.enumerated() {
                let row = inputReversed[index] ? iterations - 1 - step : step
                let slice = input.rows(row..<(row + 1))
                feeds.append(.tensor(Tensor(unchecked: Array(slice.shape.dropFirst()), slice.storage)))
            }
            let outputs = try body.run(feeds)
            states = Array(outputs.prefix(stateCount))
            for k in 0..<scanOutputCount {
                let slice = try outputs[stateCount + k].tensor("scan output \(k)")
                // The stacked outputs stay within the element cap as they grow.
                stackedElements += slice.count
                guard stackedElements <= TensorLimits.maxElements else {
                    throw EngineError(.tooLarge, "Scan's outputs exceed \(TensorLimits.maxElements) values.")
                }
                collected[k].append(slice)
            }
        }
        let stacked = try collected.enumerated().map { (k, parts) -> Value in
            let ordered = outputReversed[k] ? Array(parts.reversed()) : parts
            let shape = ordered[0].shape
            guard ordered.allSatisfy({ $0.shape == shape }) else {
                throw EngineError(.shapeMismatch, "scan output \(k) changes shape between iterations.")
            }
            let rows = ordered.map { Tensor(unchecked: [1] + $0.shape, $0.storage) }
            return .tensor(try Tensor.stacking(rows))
        }
        return states + stacked
    }

    /// `[M, N]` squared distances between the state's rows `x` (`[N, F]`) and the scanned rows
    /// `y` (`[M, F]`): out[i, j] = Σ_k (x[j, k] − y[i, k])², summed over k in order with each
    /// square rounded, as the body's Sub and ReduceSumSquare compute it; eight scanned rows per
    /// SIMD step. Nil when the inputs are not float32 matrices of one width (the general loop
    /// then runs).
    private func distances(_ inputs: [Value?]) throws -> [Value]? {
        guard inputs.count == 2, case .tensor(let x)? = inputs[0], case .tensor(let y)? = inputs[1],
              case .float32(let xs) = x.storage, case .float32(let ys) = y.storage,
              x.shape.count == 2, y.shape.count == 2, x.shape[1] == y.shape[1], y.shape[0] > 0, !inputReversed[0], !outputReversed[0]
        else { return nil }
        let (n, m, f) = (x.shape[0], y.shape[0], x.shape[1])
        guard let total = TensorLimits.product([m, n]) else {
            throw EngineError(.tooLarge, "\(m) × \(n) distances exceed \(TensorLimits.maxElements) values.")
        }
        let stride = (m + 7) / 8 * 8
        // The scanned rows feature by feature, eight side by side.
        var byFeature = [Float](repeating: 0, count: f * stride)
        for i in 0..<m { for k in 0..<f { byFeature[k * stride + i] = ys[i * f + k] } }
        let out = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            byFeature.withUnsafeBufferPointer { vs in
                xs.withUnsafeBufferPointer { xp in
                    let base = UnsafeRawPointer(vs.baseAddress!)
                    for j in 0..<n {
                        var block = 0
                        while block < m {
                            var sum = SIMD8<Float>(repeating: 0)
                            for k in 0..<f {
                                let v = base.loadUnaligned(fromByteOffset: (k * stride + block) * 4, as: SIMD8<Float>.self)
                                let d = SIMD8<Float>(repeating: xp[j * f + k]) - v
                                sum += d * d
                            }
                            for lane in 0..<Swift.min(8, m - block) { buffer[(block + lane) * n + j] = sum[lane] }
                            block += 8
                        }
                    }
                }
            }
            initialized = total
        }
        return [.tensor(x), .tensor(try Tensor(float32: out, shape: [m, n]))]
    }
}
