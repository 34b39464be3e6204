/// A linear classifier: one score per class from `X · Wᵀ + b`, the best class as label, and
/// the scores after a post transform (onnxruntime's `LinearClassifier`, numerics included).
///
/// With one coefficient row the model is binary: the label is the positive one when the raw
/// score is above zero, and when exactly two labels are given the scores come out as
/// `[1 - s, s]`, without the transform, as onnxruntime emits them.
public struct LinearClassifier: Operator {
    /// The class labels, integer or string.
    public enum Labels: Sendable, Equatable {
        case int64([Int64])
        case string([String])

        public var count: Int {
            switch self {
            case .int64(let v): v.count
            case .string(let v): v.count
            }
        }
    }

    /// Row-major `classCount × featureCount` weights.
    public let coefficients: [Float]
    /// One intercept per class (its count is the class count).
    public let intercepts: [Float]
    public let labels: Labels
    public let postTransform: PostTransform

    public var classCount: Int { intercepts.count }
    public var featureCount: Int { coefficients.count / max(intercepts.count, 1) }

    /// Whether the binary form writes two scores per row (one row of weights, two labels).
    var addsSecondClass: Bool { classCount == 1 && labels.count == 2 }
    var scoreWidth: Int { addsSecondClass ? 2 : classCount }

    /// Throws when the weights do not form `classes × features` or labels are missing.
    public init(coefficients: [Float], intercepts: [Float], labels: Labels, postTransform: PostTransform) throws {
        guard !intercepts.isEmpty else { throw EngineError(.invalidAttribute, "a linear classifier needs at least one class.") }
        guard !coefficients.isEmpty, coefficients.count % intercepts.count == 0 else {
            throw EngineError(.invalidAttribute,
                "\(coefficients.count) coefficients do not split into \(intercepts.count) classes.")
        }
        guard intercepts.count == 1 || labels.count >= intercepts.count else {
            throw EngineError(.invalidAttribute, "\(labels.count) labels for \(intercepts.count) classes.")
        }
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.labels = labels
        self.postTransform = postTransform
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        try MLTensorSupport.requireNumeric(x)
        let (rows, width) = try MLTensorSupport.staticMatrix(x)
        if let width, width != featureCount {
            throw EngineError(.typeMismatch,
                "input 0 has \(width) features but the coefficients are for \(featureCount).")
        }
        let labelType: ElementType = if case .string = labels { .string } else { .int64 }
        return [.tensor(TensorType(labelType, shape: [rows])),
                .tensor(TensorType(.float32, shape: [rows, scoreWidth]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let (rows, width) = try MLTensorSupport.matrix(x.shape)
        guard width == featureCount else {
            throw EngineError(.shapeMismatch, "input 0 has \(width) features; the model expects \(featureCount).")
        }
        let raw = try LinearKernel.scores(try MLTensorSupport.floats(x), rows: rows, weights: coefficients,
                                      biases: intercepts, features: featureCount)
        let labelValue = try Tensor(shape: [rows], storage: chooseLabels(raw, rows: rows))
        let scores = finalScores(raw, rows: rows)
        return [.tensor(labelValue), .tensor(try Tensor(float32: scores, shape: [rows, scoreWidth]))]
    }

    /// The label of each row, from the raw scores.
    func chooseLabels(_ raw: [Float], rows: Int) -> TensorStorage {
        let winners: [Int]
        if classCount == 1 {
            winners = raw.map { $0 > 0 ? 1 : 0 }
        } else {
            winners = (0..<rows).map { LinearKernel.argmax(raw, start: $0 * classCount, count: classCount) }
        }
        switch labels {
        case .int64(let names):
            if classCount == 1 {
                let pair: [Int64] = names.count == 2 ? names : [0, 1]
                return .int64(winners.map { pair[$0] })
            }
            return .int64(winners.map { names[$0] })
        case .string(let names):
            if classCount == 1 {
                let pair: [String] = names.count == 2 ? names : ["0", "1"]
                return .string(winners.map { pair[$0] })
            }
            return .string(winners.map { names[$0] })
        }
    }

    /// onnxruntime's `batched_update_scores_inplace` for this classifier.
    func finalScores(_ raw: [Float], rows: Int) -> [Float] {
        var scores = raw
        if classCount > 1 {
            postTransform.apply(toRows: &scores, width: classCount)
            return scores
        }
        if postTransform == .probit {
            // onnxruntime transforms the packed scores in place and never expands them, so the
            // second half of a two-column output is left unwritten; Augur writes zeros there.
            scores = scores.map(PostTransform.probit)
            if addsSecondClass { scores += [Float](repeating: 0, count: rows) }
            return scores
        }
        guard addsSecondClass else { return scores }
        var expanded = [Float]()
        expanded.reserveCapacity(rows * 2)
        for score in raw {
            expanded.append(1 - score)
            expanded.append(score)
        }
        return expanded
    }
}
