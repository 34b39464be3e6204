import AugurEngine

/// Turns validated parameter rows into the model's input tensors, in signature order.
///
/// Built once per route and checked against the model signature (input count, shapes, element
/// types). Number features go to float inputs as is (NaN and ±inf included, as numpy would
/// pass them); int inputs need finite values within range (truncated toward zero), otherwise
/// the request gets a 422 `feature_invalid`.
struct FeatureBuilder: Sendable {
    struct Input: Sendable {
        let name: String
        let elementType: ElementType
        /// Per-row columns; one for [N] and [N, 1] inputs, k for [N, k].
        let columns: [CompiledExpression]
        let rank: Int
        /// Where each column was written, for messages.
        let sources: [String]
        /// The parameters (indices) each column reads: how explanations map columns back.
        let parameters: [[Int]]
    }

    let inputs: [Input]

    /// The input tensors for `rows` rows stored `parameterCount` values apart in `storage`.
    func build(_ storage: [ParameterValue], rows: Int, parameterCount: Int, batch: Bool) throws(RequestError) -> [Value] {
        var feeds: [Value] = []
        feeds.reserveCapacity(inputs.count)
        for input in inputs {
            let k = input.columns.count
            let shape = input.rank == 1 ? [rows] : [rows, k]
            let storage = try self.storage(input, storage, rows: rows, parameterCount: parameterCount, batch: batch)
            do {
                feeds.append(.tensor(try Tensor(shape: shape, storage: storage)))
            } catch {
                throw RequestError.inferenceFailed("Input '\(input.name)' could not be built: \(error).")
            }
        }
        return feeds
    }

    private func storage(_ input: Input, _ values: [ParameterValue], rows: Int, parameterCount: Int, batch: Bool)
        throws(RequestError) -> TensorStorage
    {
        let k = input.columns.count
        func row(_ r: Int) -> ParameterRow { ParameterRow(values, base: r * parameterCount) }
        switch input.elementType {
        case .float32:
            var out = [Float]()
            out.reserveCapacity(rows * k)
            for r in 0..<rows {
                let values = row(r)
                for column in input.columns { out.append(Float(Self.number(column, values))) }
            }
            return .float32(out)
        case .float64:
            var out = [Double]()
            out.reserveCapacity(rows * k)
            for r in 0..<rows {
                let values = row(r)
                for column in input.columns { out.append(Self.number(column, values)) }
            }
            return .float64(out)
        case .int64, .int32:
            var out = [Int64]()
            out.reserveCapacity(rows * k)
            var issues: [Issue] = []
            for r in 0..<rows {
                let values = row(r)
                for (c, column) in input.columns.enumerated() {
                    let x = Self.number(column, values).rounded(.towardZero)
                    let limit = input.elementType == .int32 ? Double(Int32.max) : 9.2e18
                    if x.isFinite, abs(x) <= limit {
                        out.append(Int64(x))
                    } else {
                        out.append(0)
                        issues.append(Issue(type: .featureInvalid, loc: ["body"] + (batch ? [.index(r)] : []),
                                            msg: "Feature '\(input.sources[c])' is \(x), but model input '\(input.name)' needs a finite integer",
                                            input: .number(x)))
                    }
                }
            }
            guard issues.isEmpty else { throw .validation(issues) }
            return input.elementType == .int32 ? .int32(out.map { Int32(truncatingIfNeeded: $0) }) : .int64(out)
        case .string:
            var out = [String]()
            out.reserveCapacity(rows * k)
            for r in 0..<rows {
                let values = row(r)
                for column in input.columns {
                    if case .string(let f) = column { out.append(f(values)) } else { out.append("") }
                }
            }
            return .string(out)
        case .bool:
            var out = [Bool]()
            out.reserveCapacity(rows * k)
            for r in 0..<rows {
                let values = row(r)
                for column in input.columns {
                    switch column {
                    case .bool(let f): out.append(f(values))
                    case .number(let f): out.append(f(values) != 0)
                    case .string(let f): out.append(!f(values).isEmpty)
                    }
                }
            }
            return .bool(out)
        }
    }

    private static func number(_ column: CompiledExpression, _ row: ParameterRow) -> Double {
        switch column {
        case .number(let f): f(row)
        case .bool(let f): f(row) ? 1 : 0
        case .string: .nan
        }
    }
}
