import AugurEngine

/// Classifier outputs: the predicted code (after a binary threshold), its label and
/// probability, and the probability columns with their labels.
extension OutputMapper {
    func classification(_ labels: Value, _ probabilities: Value?, rows: Int) throws(RequestError) -> Classification {
        guard case .tensor(let labelTensor) = labels, labelTensor.count == rows else {
            throw RequestError.inferenceFailed("The model's label output does not have one label per row.")
        }
        var codes: [ClassCode]
        switch labelTensor.storage {
        case .int64(let v): codes = v.map { .integer($0) }
        case .int32(let v): codes = v.map { .integer(Int64($0)) }
        case .string(let v): codes = v.map { .string($0) }
        default: throw RequestError.inferenceFailed("The model's label output is \(labelTensor.elementType).")
        }
        var probability = [Float?](filled: nil, count: rows)
        guard let (columns, scores) = try probabilityColumns(probabilities, rows: rows) else {
            return Classification(codes: codes, labels: codes.map(label(for:)), probability: probability, classes: nil,
                                  scores: [], reportsProbabilities: spec.probabilities)
        }
        let width = columns.count
        for r in 0..<rows {
            if let threshold = spec.threshold, width == 2 {
                codes[r] = scores[r * 2 + 1] >= Float(threshold) ? columns[1] : columns[0]
            }
            if let k = columns.firstIndex(where: { $0.matches(codes[r]) }) { probability[r] = scores[r * width + k] }
        }
        return Classification(codes: codes, labels: codes.map(label(for:)), probability: probability,
                              classes: ClassColumns(codes: columns, labels: columns.map(label(for:))),
                              scores: scores, reportsProbabilities: spec.probabilities)
    }

    /// The probability columns' codes and the row-major rows × classes score matrix; nil
    /// without a probability output.
    private func probabilityColumns(_ value: Value?, rows: Int) throws(RequestError) -> (codes: [ClassCode], scores: [Float])? {
        switch value {
        case nil: return nil
        case .maps(let maps)?:
            guard maps.keys.count > 0, maps.rows == rows else {
                throw RequestError.inferenceFailed("The model's probabilities do not have one map per row.")
            }
            switch maps.keys {
            case .int64(let k): return (k.map { .integer($0) }, maps.scores)
            case .string(let k): return (k.map { .string($0) }, maps.scores)
            }
        case .tensor(let tensor)?:
            guard tensor.count % rows == 0, tensor.count > 0 else {
                throw RequestError.inferenceFailed("The model's probabilities do not have one row per input row.")
            }
            let classes = tensor.count / rows
            let scores: [Float] = switch tensor.storage {
            case .float32(let v): v
            case .float64(let v): v.map { Float($0) }
            default: []
            }
            guard scores.count == tensor.count else {
                throw RequestError.inferenceFailed("The model's probabilities are \(tensor.elementType), not floats.")
            }
            return (columnCodes(classes), scores)
        }
    }

    /// Codes of probability columns for a plain [N, C] tensor: the configured labels' codes
    /// sorted like scikit-learn's `classes_` when they are C, else 0 ..< C.
    private func columnCodes(_ classes: Int) -> [ClassCode] {
        sortedCodes.count == classes ? sortedCodes : (0..<classes).map { .integer(Int64($0)) }
    }
}
