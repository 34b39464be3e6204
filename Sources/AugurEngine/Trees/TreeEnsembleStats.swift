/// Size and shape of a compiled tree ensemble, for `augur inspect` and load reports.
public struct TreeEnsembleStats: Sendable, Equatable {
    public var trees: Int
    public var nodes: Int
    public var leaves: Int
    public var maxDepth: Int
    /// One more than the largest feature index any branch reads.
    public var featureCount: Int
    /// Outputs per row (classes or regression targets).
    public var targets: Int

    public init(trees: Int, nodes: Int, leaves: Int, maxDepth: Int, featureCount: Int, targets: Int) {
        self.trees = trees
        self.nodes = nodes
        self.leaves = leaves
        self.maxDepth = maxDepth
        self.featureCount = featureCount
        self.targets = targets
    }
}

/// An operator that evaluates a tree ensemble and can describe it.
public protocol TreeEnsembleDescribing: Operator {
    var stats: TreeEnsembleStats { get }
}
