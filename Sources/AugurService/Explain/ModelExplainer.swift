import AugurEngine

/// Exact contributions for a model, per model input column: the model's one tree ensemble
/// (path-dependent TreeSHAP, node covers counted on reference rows) or, without trees, its one
/// linear model (`w · (x − mean)`, means over the reference rows), found in its plan; and which
/// model input columns each column the trees (or the linear model) read comes from.
///
/// - The tree ensemble's input is read off the plan (`Plan.inputs(ofStep:)`), so the trees may
///   sit behind any preprocessing the ONNX graph does (imputers, scalers, one-hot encoders, a
///   column transformer).
/// - Lineage is measured on up to `lineageRows` reference rows: each model column in turn is
///   shifted across rows (by one row and by half the rows), and the tree columns that change
///   are its own (a one-hot column of `city` changes with `city`). A tree column no model
///   column changes is constant on the reference rows; its contribution is then 0 for every
///   row the reference data resembles, and is reported as "other model columns" otherwise.
public struct ModelExplainer: Sendable {
    let plan: Plan
    let step: Int
    let kernel: Kernel

    /// The explained model inside the plan.
    enum Kernel: Sendable {
        case trees(TreeExplainer)
        case linear(LinearExplainer, classifier: Bool)
    }
    /// For each tree column, the model columns (flat, input after input) that change it.
    public let lineage: [[Int]]
    /// Tree columns no model column was seen to change.
    let unattributed: [Int]
    /// Each model column's input and column within it.
    let columnLocations: [(input: Int, column: Int)]
    /// A name per model column (the reference CSV's header, or input names).
    public let columnNames: [String]
    /// Σ over trees of leaves × (depth + 1)²: what explaining one row costs.
    let workPerRow: Int
    public let referenceSource: String
    public let referenceRows: Int

    static let lineageRows = 1000

    /// Why a model cannot be explained.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The explainer of a loaded model from all its reference rows, or why there is none
    /// (a reference that fits the model but a model that cannot be explained is not a load
    /// error: its routes answer `/explain` with the reason).
    public static func make(plan: Plan, reference: ReferenceRows) -> Result<ModelExplainer, Unavailable> {
        do {
            return .success(try ModelExplainer(plan: plan, reference: reference))
        } catch let error as Unavailable {
            return .failure(error)
        } catch {
            return .failure(Unavailable(description: "The model's reference data '\(reference.source)' cannot be used for explanations: \(error)"))
        }
    }

    public init(plan: Plan, reference: ReferenceRows) throws {
        let ensembles = plan.steps(running: TreeEnsemble.self)
        let classifiers = plan.steps(running: LinearClassifier.self)
        let regressors = plan.steps(running: LinearRegressor.self)
        let step: Int
        let x: Tensor
        if ensembles.count == 1, let (index, ensemble) = ensembles.first {
            step = index
            x = try Self.treeInput(plan, step, reference.feeds)
            var covers = [Double](repeating: 0, count: ensemble.nodeCount)
            try ensemble.countVisits(x, into: &covers)
            kernel = .trees(try TreeExplainer(ensemble, covers: covers))
            let stats = ensemble.stats
            workPerRow = Swift.max(1, stats.leaves * (stats.maxDepth + 1) * (stats.maxDepth + 1))
        } else if ensembles.isEmpty, classifiers.count + regressors.count == 1 {
            step = classifiers.first?.index ?? regressors[0].index
            x = try Self.treeInput(plan, step, reference.feeds)
            if let (_, classifier) = classifiers.first {
                kernel = .linear(try LinearExplainer(classifier, reference: x), classifier: true)
            } else {
                kernel = .linear(try LinearExplainer(regressors[0].op, reference: x), classifier: false)
            }
            workPerRow = Swift.max(1, x.shape[1] * 4)
        } else {
            let linear = classifiers.count + regressors.count
            throw Unavailable(description: ensembles.count > 1
                ? "The model has \(ensembles.count) tree ensembles; explanations need exactly one."
                : linear > 1 ? "The model has \(linear) linear models; explanations need exactly one."
                : "Only models with one tree ensemble or one linear model are explained; this model has neither.")
        }
        self.plan = plan
        self.step = step
        let width = x.shape[1]
        var locations: [(Int, Int)] = []
        for (input, feed) in reference.feeds.enumerated() {
            guard case .tensor(let t) = feed else { continue }
            for column in 0..<(t.rank == 2 ? t.shape[1] : 1) { locations.append((input, column)) }
        }
        columnLocations = locations
        columnNames = reference.columnNames.count == locations.count ? reference.columnNames : locations.map { "input \($0.0) column \($0.1)" }
        var lineage = [[Int]](repeating: [], count: width)
        let sample = try reference.sample(Self.lineageRows)
        let base = try Self.treeInput(plan, step, sample.feeds)
        for (flat, (input, column)) in locations.enumerated() where sample.count > 1 {
            guard case .tensor(let tensor) = sample.feeds[input] else { continue }
            let inputWidth = tensor.rank == 2 ? tensor.shape[1] : 1
            var changed = Set<Int>()
            // Two shifts, so that a column whose neighbouring rows agree still moves somewhere.
            for shift in Set([1, Swift.max(1, sample.count / 2)]) {
                var feeds = sample.feeds
                feeds[input] = .tensor(try tensor.shiftingColumn(column, width: inputWidth, by: shift))
                changed.formUnion(base.columnsDiffering(from: try Self.treeInput(plan, step, feeds), width: width))
            }
            for j in changed where j < width { lineage[j].append(flat) }
        }
        self.lineage = lineage
        unattributed = lineage.indices.filter { lineage[$0].isEmpty }
        referenceSource = reference.source
        referenceRows = reference.count
    }

    /// What the explained step (trees or linear model) reads: `[N, F]`.
    static func treeInput(_ plan: Plan, _ step: Int, _ feeds: [Value]) throws -> Tensor {
        guard case .tensor(let x)? = try plan.inputs(ofStep: step, feeds).first ?? nil, x.rank == 2 else {
            throw Unavailable(description: "The explained model's input is not a [N, F] tensor.")
        }
        return x
    }

    /// Contributions of every column the explained step reads to every target, for rows whose
    /// model inputs are `feeds`.
    public func contributions(_ feeds: [Value]) throws -> FeatureContributions {
        let x = try Self.treeInput(plan, step, feeds)
        switch kernel {
        case .trees(let trees): return try trees.explain(x)
        case .linear(let linear, _): return try linear.explain(x)
        }
    }

    /// `tree_path_dependent` or `linear`.
    public var method: String {
        if case .trees = kernel { return "tree_path_dependent" }
        return "linear"
    }

    /// The targets worth reporting: those some leaf scores; for a two-class linear model with
    /// opposite weights, the second.
    public var explainedTargets: [Int] {
        switch kernel {
        case .trees(let trees): trees.weightedTargets
        case .linear(let linear, _): linear.explainedTargets
        }
    }

    /// Whether the scores explained are already probabilities: trees of a classifier that add
    /// up probabilities (no transform; a random forest).
    func scoresAreProbabilities(classifier: Bool) -> Bool {
        if case .trees(let trees) = kernel { return classifier && trees.postTransform == .none }
        return false
    }

    /// Mean |contribution| over `feeds`' rows (every target some leaf scores) of each model column (tree
    /// columns computed from several model columns together, under their names joined by
    /// " & "), largest first.
    public func importance(_ feeds: [Value]) throws -> [(name: String, meanAbsolute: Double)] {
        let c = try contributions(feeds)
        var keys: [[Int]] = []
        var members: [[Int]] = []
        for (j, feeding) in lineage.enumerated() where !feeding.isEmpty {
            if let k = keys.firstIndex(of: feeding) { members[k].append(j) } else { keys.append(feeding); members.append([j]) }
        }
        var totals = [Double](repeating: 0, count: keys.count)
        let targets = explainedTargets
        for row in 0..<c.rows {
            for target in targets {
                for (k, columns) in members.enumerated() {
                    totals[k] += abs(columns.reduce(0.0) { $0 + c.contribution(row: row, target: target, feature: $1) })
                }
            }
        }
        let n = Double(Swift.max(1, c.rows * targets.count))
        return zip(keys, totals).map { key, total in (key.map { columnNames[$0] }.joined(separator: " & "), total / n) }
            .sorted { $0.meanAbsolute > $1.meanAbsolute }
    }

    public var postTransform: PostTransform {
        switch kernel {
        case .trees(let trees): trees.postTransform
        case .linear(let linear, _): linear.postTransform
        }
    }

    public var targets: Int {
        switch kernel {
        case .trees(let trees): trees.targets
        case .linear(let linear, _): linear.targets
        }
    }
}
