/// Exact contributions of a linear model's scores: `wₖⱼ · (xⱼ − μⱼ)` for score k and input
/// column j, from the column means μ over reference rows, and the base value `bₖ + Σⱼ wₖⱼ μⱼ`.
/// For a linear score these are the Shapley values with the reference rows as background
/// (what `shap.LinearExplainer` computes with independent features), and they add up:
/// `base + Σ contributions = score`.
///
/// Scores are explained before the post transform (the margin). A two-class model whose two
/// rows of weights are opposite (scikit-learn's binary logistic regression) is explained by its
/// second score alone.
public struct LinearExplainer: Sendable {
    /// Row-major `targets × features`.
    let weights: [Double]
    let intercepts: [Double]
    let means: [Double]
    public let targets: Int
    public let features: Int
    public let postTransform: PostTransform
    /// The scores worth reporting (both classes of a two-class model share one explanation).
    public let explainedTargets: [Int]
    public let expectedValues: [Double]

    public init(_ classifier: LinearClassifier, reference: Tensor) throws {
        try self.init(weights: classifier.coefficients, intercepts: classifier.intercepts, targets: classifier.classCount,
                      postTransform: classifier.postTransform, reference: reference)
    }

    public init(_ regressor: LinearRegressor, reference: Tensor) throws {
        try self.init(weights: regressor.coefficients, intercepts: regressor.intercepts ?? [Float](repeating: 0, count: regressor.targets),
                      targets: regressor.targets, postTransform: regressor.postTransform, reference: reference)
    }

    init(weights: [Float], intercepts: [Float], targets: Int, postTransform: PostTransform, reference: Tensor) throws {
        let features = weights.count / Swift.max(1, targets)
        let columns = try Self.columnMeans(reference, width: features)
        self.weights = weights.map { Double($0) }
        self.intercepts = intercepts.map { Double($0) }
        self.targets = targets
        self.features = features
        self.postTransform = postTransform
        means = columns
        expectedValues = (0..<targets).map { k in
            (0..<features).reduce(Double(intercepts[k])) { $0 + Double(weights[k * features + $1]) * columns[$1] }
        }
        let opposite = targets == 2 && intercepts[0] == -intercepts[1]
            && (0..<features).allSatisfy { weights[$0] == -weights[features + $0] }
        explainedTargets = opposite ? [1] : Array(0..<targets)
    }

    /// Each column's mean over the rows of `x` (`[N, F]`), missing values (NaN) left out.
    static func columnMeans(_ x: Tensor, width: Int) throws -> [Double] {
        let values = try Self.doubles(x, width: width)
        let rows = values.count / Swift.max(1, width)
        var sums = [Double](repeating: 0, count: width)
        var counts = [Double](repeating: 0, count: width)
        for r in 0..<rows {
            for j in 0..<width where !values[r * width + j].isNaN {
                sums[j] += values[r * width + j]
                counts[j] += 1
            }
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
    }

    static func doubles(_ x: Tensor, width: Int) throws -> [Double] {
        guard x.rank == 2 || x.rank == 1, x.shape.last == width else {
            throw EngineError(.shapeMismatch, "the linear model reads \(width) columns, not \(x.shape).")
        }
        switch x.storage {
        case .float32(let v): return v.map { Double($0) }
        case .float64(let v): return v
        case .int64(let v): return v.map { Double($0) }
        case .int32(let v): return v.map { Double($0) }
        default: throw EngineError(.typeMismatch, "a linear model cannot read a \(x.elementType) input.")
        }
    }

    /// Contributions of every input column to every score, for each row of `x`.
    public func explain(_ x: Tensor) throws -> FeatureContributions {
        let values = try Self.doubles(x, width: features)
        let rows = values.count / Swift.max(1, features)
        var out = [Double](repeating: 0, count: rows * targets * features)
        for r in 0..<rows {
            for k in 0..<targets {
                for j in 0..<features {
                    // A missing value counts as the mean: what the model cannot see moves nothing.
                    let v = values[r * features + j]
                    out[(r * targets + k) * features + j] = v.isNaN ? 0 : weights[k * features + j] * (v - means[j])
                }
            }
        }
        return FeatureContributions(rows: rows, targets: targets, features: features, values: out, baseValues: expectedValues)
    }
}
