/// How a branch tests the feature value `x`; a true test sends the row to the branch's
/// `whenTrue` child.
public enum TreeComparison<T: TreeScalar>: Sendable, Equatable {
    /// `x <= t`
    case lessOrEqual(T)
    /// `x < t`
    case less(T)
    /// `x >= t`
    case greaterOrEqual(T)
    /// `x > t`
    case greater(T)
    /// `x == t`
    case equal(T)
    /// `x != t` (true for NaN)
    case notEqual(T)
    /// `x` equals one of the values.
    case member([T])
    /// `x`, truncated toward zero to an integer, is one of the values. This is how
    /// onnxruntime tests sets that are large or hold values outside 0...30 (its
    /// `BRANCH_MEMBER_BIGSET`); NaN and values beyond the 32-bit range are never members.
    case memberTruncated([Int64])
}

/// An interior node: which feature it reads, how it tests it, and where each outcome leads.
public struct TreeBranch<T: TreeScalar>: Sendable, Equatable {
    /// Index of the input column tested.
    public var feature: Int
    public var comparison: TreeComparison<T>
    /// Whether a NaN value takes the true branch regardless of the comparison.
    public var missingGoesTrue: Bool
    /// Index (in the tree's `nodes`) of the child taken when the test is true.
    public var whenTrue: Int
    /// Index (in the tree's `nodes`) of the child taken when the test is false.
    public var whenFalse: Int

    public init(feature: Int, comparison: TreeComparison<T>, missingGoesTrue: Bool = false, whenTrue: Int, whenFalse: Int) {
        self.feature = feature
        self.comparison = comparison
        self.missingGoesTrue = missingGoesTrue
        self.whenTrue = whenTrue
        self.whenFalse = whenFalse
    }
}

/// One contribution of a leaf: `weight` for output `target` (a class for classifiers).
public struct TreeLeafWeight<T: TreeScalar>: Sendable, Equatable {
    public var target: Int
    public var weight: T

    public init(target: Int, weight: T) {
        self.target = target
        self.weight = weight
    }
}

/// A node of a decision tree.
public enum TreeNode<T: TreeScalar>: Sendable, Equatable {
    case branch(TreeBranch<T>)
    /// A leaf and its weights, in order. With a single target only the first weight counts
    /// (none counts as 0), as in onnxruntime.
    case leaf([TreeLeafWeight<T>])
}

/// One tree: its nodes and which of them is the root. Children are indices into `nodes`;
/// nodes the root does not reach are ignored.
public struct DecisionTree<T: TreeScalar>: Sendable, Equatable {
    public var nodes: [TreeNode<T>]
    public var root: Int

    public init(nodes: [TreeNode<T>], root: Int = 0) {
        self.nodes = nodes
        self.root = root
    }
}

/// How the trees' leaf weights for one target combine.
public enum TreeAggregation: String, Sendable, CaseIterable {
    case sum, average, minimum, maximum
}

/// A tree ensemble in domain terms, before it is compiled: trees, targets, aggregation,
/// base values and the score transform.
///
/// Base values follow onnxruntime: a regressor adds them when there is one per target; see
/// `TreeClassification` for classifiers.
public struct TreeEnsembleModel<T: TreeScalar>: Sendable {
    /// The trees in whichever form the model was made with.
    enum Forest: Sendable {
        case nested([DecisionTree<T>])
        case flat(FlatTrees<T>)
    }

    var forest: Forest
    /// The trees (built from the flat arrays when the model was made from `FlatTrees`).
    public var trees: [DecisionTree<T>] {
        get {
            switch forest {
            case .nested(let trees): trees
            case .flat(let flat): flat.decisionTrees
            }
        }
        set { forest = .nested(newValue) }
    }
    /// Outputs per row: regression targets, or classes for a classifier.
    public var targetCount: Int
    public var aggregation: TreeAggregation
    public var baseValues: [T]
    public var postTransform: PostTransform
    /// Input columns required beyond those the branches read (onnxruntime also counts the
    /// feature ids written on leaves).
    public var minimumFeatureCount: Int

    public init(trees: [DecisionTree<T>], targetCount: Int, aggregation: TreeAggregation = .sum,
                baseValues: [T] = [], postTransform: PostTransform = .none, minimumFeatureCount: Int = 0) {
        forest = .nested(trees)
        self.targetCount = targetCount
        self.aggregation = aggregation
        self.baseValues = baseValues
        self.postTransform = postTransform
        self.minimumFeatureCount = minimumFeatureCount
    }

    /// A model of trees in flat arrays (the form big ensembles are built in).
    public init(flatTrees: FlatTrees<T>, targetCount: Int, aggregation: TreeAggregation = .sum,
                baseValues: [T] = [], postTransform: PostTransform = .none, minimumFeatureCount: Int = 0) {
        self.init(trees: [], targetCount: targetCount, aggregation: aggregation, baseValues: baseValues,
                  postTransform: postTransform, minimumFeatureCount: minimumFeatureCount)
        forest = .flat(flatTrees)
    }
}

/// The class labels of a tree classifier.
public enum TreeClassLabels: Sendable, Equatable {
    case int64([Int64])
    case strings([String])

    public var count: Int {
        switch self {
        case .int64(let labels): labels.count
        case .strings(let labels): labels.count
        }
    }
}

/// What a classifier needs beyond the ensemble: its labels and the two facts onnxruntime's
/// binary scoring depends on.
public struct TreeClassification: Sendable, Equatable {
    public var labels: TreeClassLabels
    /// Two classes, and every leaf weight names the same class (onnxruntime's `binary_case_`).
    public var weightsForOneClass: Bool
    /// No leaf weight is negative (onnxruntime's `weights_are_all_positive_`).
    public var weightsAreNonNegative: Bool

    public init(labels: TreeClassLabels, weightsForOneClass: Bool, weightsAreNonNegative: Bool) {
        self.labels = labels
        self.weightsForOneClass = weightsForOneClass
        self.weightsAreNonNegative = weightsAreNonNegative
    }
}
