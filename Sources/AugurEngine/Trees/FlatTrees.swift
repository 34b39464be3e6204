/// The trees of an ensemble in flat arrays, tree after tree: the compact form of
/// `[DecisionTree]` for big ensembles, with no value per node and no array per leaf.
///
/// Tree `t` is nodes `treeStarts[t] ..< treeStarts[t + 1]` and its root is its first node.
/// Node `i` is `branches[i]` (children are indices within its tree, as in `DecisionTree`) or,
/// when that is nil, a leaf whose weights are `weights[weightStarts[i] ..< weightStarts[i + 1]]`
/// (weights listed for a branch are ignored).
public struct FlatTrees<T: TreeScalar>: Sendable {
    public let treeStarts: [Int]
    public let branches: [TreeBranch<T>?]
    public let weightStarts: [Int]
    public let weights: [TreeLeafWeight<T>]

    /// Checks that the arrays fit together: both start lists begin at 0, never decrease and
    /// end at the number of nodes (weights), and there is a weight start per node and one more.
    public init(treeStarts: [Int], branches: [TreeBranch<T>?], weightStarts: [Int],
                weights: [TreeLeafWeight<T>]) throws {
        guard Self.fits(treeStarts, end: branches.count), Self.fits(weightStarts, end: weights.count),
              weightStarts.count == branches.count + 1 else {
            throw EngineError(.invalidGraph, "the flat tree arrays do not fit together.")
        }
        self.treeStarts = treeStarts
        self.branches = branches
        self.weightStarts = weightStarts
        self.weights = weights
    }

    private static func fits(_ starts: [Int], end: Int) -> Bool {
        guard starts.first == 0, starts.last == end else { return false }
        return zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 }
    }

    public var treeCount: Int { treeStarts.count - 1 }

    /// The same trees as `DecisionTree`s.
    public var decisionTrees: [DecisionTree<T>] {
        (0..<treeCount).map { tree in
            DecisionTree(nodes: (treeStarts[tree]..<treeStarts[tree + 1]).map { node in
                branches[node].map(TreeNode.branch) ?? .leaf(Array(weights[weightStarts[node]..<weightStarts[node + 1]]))
            })
        }
    }
}

/// Read access to a model's trees for the compiler, whichever form they come in.
protocol ForestSource {
    associatedtype S: TreeScalar
    var treeCount: Int { get }
    func nodeCount(_ tree: Int) -> Int
    func root(_ tree: Int) -> Int
    /// Node `node` (in range) of tree `tree`: its branch, or nil for a leaf.
    func branch(_ tree: Int, _ node: Int) -> TreeBranch<S>?
    /// The weights of leaf `node` (in range) of tree `tree`.
    func leafWeights(_ tree: Int, _ node: Int) -> ArraySlice<TreeLeafWeight<S>>
}

extension FlatTrees: ForestSource {
    func nodeCount(_ tree: Int) -> Int { treeStarts[tree + 1] - treeStarts[tree] }
    func root(_ tree: Int) -> Int { 0 }
    func branch(_ tree: Int, _ node: Int) -> TreeBranch<T>? { branches[treeStarts[tree] + node] }
    func leafWeights(_ tree: Int, _ node: Int) -> ArraySlice<TreeLeafWeight<T>> {
        let position = treeStarts[tree] + node
        return weights[weightStarts[position]..<weightStarts[position + 1]]
    }
}

/// `[DecisionTree]` as a forest source.
struct NestedTrees<S: TreeScalar>: ForestSource {
    let trees: [DecisionTree<S>]

    var treeCount: Int { trees.count }
    func nodeCount(_ tree: Int) -> Int { trees[tree].nodes.count }
    func root(_ tree: Int) -> Int { trees[tree].root }
    func branch(_ tree: Int, _ node: Int) -> TreeBranch<S>? {
        if case .branch(let branch) = trees[tree].nodes[node] { return branch }
        return nil
    }
    func leafWeights(_ tree: Int, _ node: Int) -> ArraySlice<TreeLeafWeight<S>> {
        if case .leaf(let weights) = trees[tree].nodes[node] { return weights[...] }
        return []
    }
}
