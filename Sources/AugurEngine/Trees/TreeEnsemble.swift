/// A compiled tree ensemble: a regressor, a classifier, or an opset-5 style ensemble whose
/// output has the input's type.
///
/// Thresholds and weights are stored in the model's scalar type. Comparisons and sums use
/// that type, widened to Double for a float64 input (int32 and int64 inputs are converted to
/// the storage type), as onnxruntime does. Inputs are `[N, F]` or a single row `[F]`.
public struct TreeEnsemble: TreeEnsembleDescribing {
    public enum Kind: Sendable, Equatable {
        /// Float32 scores `[N, targets]` from a float32, float64, int64 or int32 input.
        case regressor
        /// Labels `[N]` and float32 scores `[N, classes]`; always sums, whatever the model says.
        case classifier(TreeClassification)
        /// Scores `[N, targets]` of the model's scalar type, from an input of that type.
        case ensemble
    }

    enum Forest: Sendable {
        case float(CompiledForest<Float>)
        case double(CompiledForest<Double>)

        /// What the stats and input checks need to know.
        var shape: (trees: Int, nodes: Int, leaves: Int, maxDepth: Int, maxFeature: Int) {
            switch self {
            case .float(let f): (f.treeCount, f.nodes.count, f.leafCount, f.maxDepth, f.maxFeature)
            case .double(let f): (f.treeCount, f.nodes.count, f.leafCount, f.maxDepth, f.maxFeature)
            }
        }
    }

    /// Largest number of targets or classes accepted.
    public static let targetLimit = 1 << 20

    let forest: Forest
    public let kind: Kind
    let targets: Int
    let aggregation: TreeAggregation
    /// Exact for both scalar types (Float widens to Double exactly).
    let baseValues: [Double]
    let postTransform: PostTransform
    /// Columns the input must have.
    let featureCount: Int
    public let stats: TreeEnsembleStats

    /// Compiles `model`. Structure problems (a child outside its tree, a cycle, a tree deeper
    /// than `treeDepthLimit`) become load errors through `problem`, so an importer can name
    /// its own attributes and ids.
    public init<T: TreeScalar>(_ model: TreeEnsembleModel<T>, kind: Kind,
                               problem: (TreeStructureProblem) -> EngineError = { $0.loadError }) throws {
        try Self.check(model, kind: kind)
        let forest: Forest
        do {
            forest = try Self.compile(model)
        } catch let error as TreeStructureProblem {
            throw problem(error)
        }
        self.forest = forest
        self.kind = kind
        targets = model.targetCount
        aggregation = kind == .ensemble || kind == .regressor ? model.aggregation : .sum
        baseValues = model.baseValues.map(\.treeDouble)
        postTransform = model.postTransform
        let shape = forest.shape
        featureCount = Swift.max(1, shape.maxFeature + 1, model.minimumFeatureCount)
        stats = TreeEnsembleStats(trees: shape.trees, nodes: shape.nodes, leaves: shape.leaves,
                                  maxDepth: shape.maxDepth, featureCount: featureCount, targets: targets)
    }

    /// Compiles `model` with code specialised for its scalar type: called generically from
    /// another module, the compiler would otherwise run unspecialised, several times slower
    /// on big forests.
    private static func compile<T: TreeScalar>(_ model: TreeEnsembleModel<T>) throws -> Forest {
        if let floats = model as? TreeEnsembleModel<Float> {
            return .float(try CompiledForest(floats))
        }
        if let doubles = model as? TreeEnsembleModel<Double> {
            return .double(try CompiledForest(doubles))
        }
        throw EngineError(.unsupportedType, "tree values must be float or double.")
    }

    /// Checks what compiling does not: target count, base values, labels.
    private static func check<T>(_ model: TreeEnsembleModel<T>, kind: Kind) throws {
        guard model.targetCount >= 1, model.targetCount <= targetLimit else {
            throw EngineError(.invalidAttribute, "the number of targets '\(model.targetCount)' must be between 1 and \(targetLimit).")
        }
        let bases = model.baseValues.count
        switch kind {
        case .classifier(let classification):
            guard classification.labels.count == model.targetCount else {
                throw EngineError(.invalidAttribute, "\(classification.labels.count) class labels for \(model.targetCount) classes.")
            }
            if case .strings = classification.labels, model.targetCount < 2 {
                throw EngineError(.invalidAttribute, "a classifier with string labels needs at least two classes.")
            }
            let valid = model.targetCount <= 2 ? bases <= 2 : (bases == 0 || bases == model.targetCount)
            guard valid else {
                throw EngineError(.invalidAttribute, "'\(bases)' base values do not fit \(model.targetCount) classes.")
            }
        case .regressor, .ensemble:
            guard bases == 0 || bases == model.targetCount else {
                throw EngineError(.invalidAttribute, "'\(bases)' base values do not fit \(model.targetCount) targets; give none or one per target.")
            }
        }
    }

    /// The scalar type thresholds and weights are stored in.
    public var valueType: ElementType {
        switch forest {
        case .float: .float32
        case .double: .float64
        }
    }
}
