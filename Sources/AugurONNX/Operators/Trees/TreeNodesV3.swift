import AugurEngine

/// The `nodes_*` attributes of TreeEnsembleClassifier and TreeEnsembleRegressor (ai.onnx.ml
/// opsets 1 and 3), checked and grouped into trees.
///
/// As in onnxruntime, a tree is a run of consecutive entries with the same tree id and its
/// root is the run's first entry; children are looked up by (tree id, node id) within the
/// tree. Unlike onnxruntime, a tree id that comes back after another tree is refused.
struct TreeNodesV3 {
    enum Mode: String {
        case leq = "BRANCH_LEQ", lt = "BRANCH_LT", gte = "BRANCH_GTE", gt = "BRANCH_GT"
        case eq = "BRANCH_EQ", neq = "BRANCH_NEQ", leaf = "LEAF"
    }

    struct Key: Hashable {
        var tree: Int64
        var node: Int64
    }

    let treeIds: [Int64]
    let nodeIds: [Int64]
    let featureIds: [Int64]
    let modes: [Mode]
    let values: [Double]
    let missingTrue: [Bool]
    /// Positions of each branch's children (-1 for leaves).
    private(set) var trueChild: [Int] = []
    private(set) var falseChild: [Int] = []
    /// Each tree's id and the positions of its nodes.
    private(set) var trees: [(id: Int64, positions: Range<Int>)] = []
    private(set) var positions: [Key: Int] = [:]

    init(_ ctx: NodeContext) throws {
        nodeIds = try ctx.int64List("nodes_nodeids")
        let count = nodeIds.count
        treeIds = try ctx.int64List("nodes_treeids")
        featureIds = try ctx.int64List("nodes_featureids")
        let trueIds = try ctx.int64List("nodes_truenodeids")
        let falseIds = try ctx.int64List("nodes_falsenodeids")
        values = try ctx.exclusiveDoubles("nodes_values")
        let modeNames = try ctx.strings("nodes_modes") ?? []
        let missing = try ctx.int64List("nodes_missing_value_tracks_true")
        for (name, list) in [("nodes_treeids", treeIds), ("nodes_featureids", featureIds),
                             ("nodes_truenodeids", trueIds), ("nodes_falsenodeids", falseIds)] {
            try ctx.expectCount(name, list, count, like: "nodes_nodeids")
        }
        try ctx.expectCount("nodes_modes", modeNames, count, like: "nodes_nodeids")
        try ctx.expectCount(ctx.has("nodes_values_as_tensor") ? "nodes_values_as_tensor" : "nodes_values",
                            values, count, like: "nodes_nodeids")
        guard missing.count <= count else {
            throw ctx.error("nodes_missing_value_tracks_true", "has \(missing.count) entries but 'nodes_nodeids' has \(count).")
        }
        // onnxruntime: a missing entry means false, and only the value 1 means true.
        missingTrue = (0..<count).map { $0 < missing.count && missing[$0] == 1 }
        var modes: [Mode] = []
        for (position, name) in modeNames.enumerated() {
            guard let mode = Mode(rawValue: name) else {
                throw ctx.error("nodes_modes", "mode '\(name)' of node '\(nodeIds[position])' in tree '\(treeIds[position])' is not one of BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ, LEAF.")
            }
            modes.append(mode)
        }
        self.modes = modes
        try groupTrees(ctx)
        try resolveChildren(ctx, trueIds: trueIds, falseIds: falseIds)
    }

    private mutating func groupTrees(_ ctx: NodeContext) throws {
        var seen = Set<Int64>()
        var start = 0
        for position in treeIds.indices {
            let key = Key(tree: treeIds[position], node: nodeIds[position])
            guard positions[key] == nil else {
                throw ctx.error("nodes_nodeids", "node '\(key.node)' appears twice in tree '\(key.tree)'.")
            }
            positions[key] = position
            let last = position + 1 == treeIds.count
            if last || treeIds[position + 1] != treeIds[position] {
                guard seen.insert(treeIds[position]).inserted else {
                    throw ctx.error("nodes_treeids", "the nodes of tree '\(treeIds[position])' are not listed together (again at position \(start)).")
                }
                trees.append((treeIds[position], start..<(position + 1)))
                start = position + 1
            }
        }
    }

    private mutating func resolveChildren(_ ctx: NodeContext, trueIds: [Int64], falseIds: [Int64]) throws {
        trueChild = [Int](repeating: -1, count: modes.count)
        falseChild = trueChild
        for position in modes.indices where modes[position] != .leaf {
            let feature = featureIds[position]
            guard feature >= 0, feature <= Int64(treeFeatureLimit) else {
                throw ctx.error("nodes_featureids",
                    "feature index '\(feature)' of node '\(nodeIds[position])' in tree '\(treeIds[position])' is out of range.")
            }
            trueChild[position] = try child(ctx, "nodes_truenodeids", trueIds[position], of: position)
            falseChild[position] = try child(ctx, "nodes_falsenodeids", falseIds[position], of: position)
        }
    }

    private func child(_ ctx: NodeContext, _ attribute: String, _ id: Int64, of position: Int) throws -> Int {
        let tree = treeIds[position]
        guard let child = positions[Key(tree: tree, node: id)] else {
            throw ctx.error(attribute, "node '\(nodeIds[position])' of tree '\(tree)' points to node '\(id)', which is not in the tree.")
        }
        guard child != position else {
            throw ctx.error(attribute, "node '\(nodeIds[position])' of tree '\(tree)' points to itself.")
        }
        return child
    }

    /// Inputs the model needs: onnxruntime also counts the feature ids written on leaves.
    var minimumFeatureCount: Int {
        let leafFeatures = zip(modes, featureIds).filter { $0.0 == .leaf && $0.1 >= 0 && $0.1 <= Int64(treeFeatureLimit) }
        return Int(leafFeatures.map(\.1).max() ?? -1) + 1
    }

    /// The trees in engine form; `leafWeights[position]` are the weights of the leaf there.
    func decisionTrees<T: TreeScalar>(_ leafWeights: [[TreeLeafWeight<T>]]) -> [DecisionTree<T>] {
        trees.map { tree in
            let start = tree.positions.lowerBound
            let nodes: [TreeNode<T>] = tree.positions.map { position in
                guard modes[position] != .leaf else { return .leaf(leafWeights[position]) }
                return .branch(TreeBranch(feature: Int(featureIds[position]),
                                          comparison: comparison(modes[position], T(values[position])),
                                          missingGoesTrue: missingTrue[position],
                                          whenTrue: trueChild[position] - start, whenFalse: falseChild[position] - start))
            }
            return DecisionTree(nodes: nodes, root: 0)
        }
    }

    private func comparison<T>(_ mode: Mode, _ value: T) -> TreeComparison<T> {
        switch mode {
        case .leq, .leaf: .lessOrEqual(value)
        case .lt: .less(value)
        case .gte: .greaterOrEqual(value)
        case .gt: .greater(value)
        case .eq: .equal(value)
        case .neq: .notEqual(value)
        }
    }

    /// A load error for a structure problem the engine found, in this node's terms.
    func loadError(_ ctx: NodeContext, _ problem: TreeStructureProblem) -> ModelLoadError {
        guard trees.indices.contains(problem.tree), trees[problem.tree].positions.count > problem.node else {
            return ctx.error("nodes_treeids", problem.description)
        }
        let position = trees[problem.tree].positions.lowerBound + problem.node
        let attribute = problem.viaTrueChild ? "nodes_truenodeids" : "nodes_falsenodeids"
        let node = "node '\(nodeIds[position])' of tree '\(treeIds[position])'"
        switch problem.kind {
        case .reachedTwice:
            let child = problem.viaTrueChild ? trueChild[position] : falseChild[position]
            let childId = child >= 0 ? nodeIds[child] : -1
            return ctx.error(attribute, "\(node) points to node '\(childId)', which is already in the tree: the tree has a cycle or a shared subtree.")
        case .tooDeep(let limit):
            return ctx.error("nodes_truenodeids", "\(node) lies deeper than \(limit) levels.")
        default:
            return ctx.error(attribute, "\(node): \(problem.summary)")
        }
    }
}
