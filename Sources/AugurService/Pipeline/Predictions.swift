import AugurEngine

/// What a route's model answered for a set of rows, typed and transport-free: what every
/// response encoder (own JSON, V2 tensors, KServe v1, MLflow, the form page) writes from.
///
/// Built by `PredictionPipeline.predict(_:)` once per request; the mapping from model outputs
/// (labels, threshold, probabilities keyed by label, rounding, unit) is done here, once, so
/// an encoder only chooses bytes.
public struct Predictions: Sendable {
    /// Whether the rows came as a batch (array, `instances`, CSV) or as one object.
    public let isBatch: Bool
    public let count: Int
    public let outcome: Outcome
    /// The model that answered.
    public let model: ModelIdentity
    /// The plan's outputs as the model produced them, in signature order (for tensor
    /// protocols); empty when there are no rows.
    public let outputs: [Value]
    /// Their names, in the same order.
    public let outputNames: [String]
    /// Per-row explanations, when the request asked for them (`PredictionPipeline.explain`).
    public private(set) var explanations: Explanations? = nil
    /// With batching: the rows of the run this request's rows were in, and how long they waited.
    public internal(set) var batch: (rows: Int, wait: Duration)? = nil

    func with(explanations: Explanations) -> Predictions {
        var copy = self
        copy.explanations = explanations
        return copy
    }

    public enum Outcome: Sendable {
        case classification(Classification)
        case regression(Regression)
    }

    public var classification: Classification? {
        if case .classification(let c) = outcome { return c }
        return nil
    }

    public var regression: Regression? {
        if case .regression(let r) = outcome { return r }
        return nil
    }
}

/// The name and version of the model behind a route, as responses report them.
public struct ModelIdentity: Sendable, Equatable {
    public let name: String
    public let version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// A class code as the model emits it: an integer or a string.
public enum ClassCode: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case string(String)

    /// The code's text: an integer's decimal digits, or the string.
    public var description: String {
        switch self {
        case .integer(let i): String(i)
        case .string(let s): s
        }
    }

    /// Whether two codes have the same text (`1` and `"1"` are the same class).
    public func matches(_ other: ClassCode) -> Bool {
        if case .integer(let a) = self, case .integer(let b) = other { return a == b }
        return description == other.description
    }
}

/// Classifier predictions for every row: the predicted class (after the route's threshold),
/// its label and probability, and the probability of every class.
public struct Classification: Sendable {
    /// Per row, the predicted class code.
    public let codes: [ClassCode]
    /// Per row, the predicted class's label (from `output.labels`, else the code's text).
    public let labels: [String]
    /// Per row, the probability of the predicted class; nil without a probability output or
    /// when the predicted code is not one of its columns.
    public let probability: [Float?]
    /// The probability columns, nil when the model has no probability output.
    public let classes: ClassColumns?
    /// Row-major `count × classes.count` probabilities (empty without `classes`).
    public let scores: [Float]
    /// Whether the route reports every class's probability (`output.probabilities`).
    public let reportsProbabilities: Bool

    /// The probabilities of row `row`, in column order.
    public func scores(row: Int) -> ArraySlice<Float> {
        guard let classes else { return [] }
        let width = classes.codes.count
        return scores[(row * width)..<((row + 1) * width)]
    }
}

/// The columns of a classifier's probability output.
public struct ClassColumns: Sendable {
    /// Class codes in column order.
    public let codes: [ClassCode]
    /// Their labels.
    public let labels: [String]
    /// Each distinct label once, in order of first appearance, with the column whose score
    /// it reports (a repeated label keeps its first place and its last column's score).
    public let keyed: [(label: String, column: Int)]

    init(codes: [ClassCode], labels: [String]) {
        self.codes = codes
        self.labels = labels
        var keyed: [(label: String, column: Int)] = []
        keyed.reserveCapacity(labels.count)
        // Few classes: a scan; many: an index (a request must not cost classes²).
        var index: [String: Int] = [:]
        for (column, label) in labels.enumerated() {
            let k = labels.count <= 16 ? keyed.firstIndex { $0.label == label } : index[label]
            if let k {
                keyed[k].column = column
            } else {
                if labels.count > 16 { index[label] = keyed.count }
                keyed.append((label, column))
            }
        }
        self.keyed = keyed
    }
}

/// Regressor predictions for every row: `width` values per row (1 for a single target),
/// rounded as the route asks, with its unit.
public struct Regression: Sendable {
    /// Row-major `count × width` values; numbers made from float32 outputs remember it, so
    /// they print with Float's shortest digits.
    public let values: [JSONNumber]
    public let width: Int
    public let unit: String?

    /// The values of row `row`.
    public func values(row: Int) -> ArraySlice<JSONNumber> {
        values[(row * width)..<((row + 1) * width)]
    }
}
