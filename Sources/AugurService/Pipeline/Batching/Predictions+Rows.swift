import AugurEngine

extension ParameterRows {
    /// Several requests' rows as one batch, in order.
    static func joined(_ parts: [ParameterRows]) -> ParameterRows {
        var storage: [ParameterValue] = []
        storage.reserveCapacity(parts.reduce(0) { $0 + $1.storage.count })
        for part in parts { storage.append(contentsOf: part.storage) }
        return ParameterRows(storage: storage, count: parts.reduce(0) { $0 + $1.count }, isBatch: true)
    }
}

extension Predictions {
    /// The predictions of rows `range`, as one request of `isBatch` form would get them: what a
    /// batched run hands back to each request.
    func rows(_ range: Range<Int>, isBatch: Bool) -> Predictions {
        let outcome: Outcome = switch self.outcome {
        case .classification(let c): .classification(c.rows(range))
        case .regression(let r): .regression(r.rows(range))
        }
        let total = count
        let sliced = outputs.map { value -> Value in
            // Outputs with a row per input row are cut; any other (constant) output is kept.
            guard value.rowCount == total else { return value }
            return value.rows(range)
        }
        return Predictions(isBatch: isBatch, count: range.count, outcome: outcome, model: model, outputs: sliced, outputNames: outputNames)
    }
}

extension Classification {
    func rows(_ range: Range<Int>) -> Classification {
        let width = classes?.codes.count ?? 0
        return Classification(codes: Array(codes[range]), labels: Array(labels[range]), probability: Array(probability[range]),
                              classes: classes, scores: classes == nil ? [] : Array(scores[(range.lowerBound * width)..<(range.upperBound * width)]),
                              reportsProbabilities: reportsProbabilities)
    }
}

extension Regression {
    func rows(_ range: Range<Int>) -> Regression {
        Regression(values: Array(values[(range.lowerBound * width)..<(range.upperBound * width)]), width: width, unit: unit)
    }
}
