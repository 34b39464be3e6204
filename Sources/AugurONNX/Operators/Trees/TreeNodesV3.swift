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

    let treeIds: [Int64]
    let nodeIds: [Int64]
    let featureIds: [Int64]
    let modes: [Mode]
    let values: [Double]
    let missingTrue: [Bool]
    let trueIds: [Int64]
    let falseIds: [Int64]
    /// The trees and where each (tree id, node id) is.
    let index: TreeNodeIndexV3
    /// Each tree's id and the positions of its nodes.
    var trees: [(id: Int64, positions: Range<Int>)] { index.trees }

    init(_ ctx: NodeContext) throws {
        nodeIds = try ctx.int64List("nodes_nodeids")
        let count = nodeIds.count
        treeIds = try ctx.int64List("nodes_treeids")
        featureIds = try ctx.int64List("nodes_featureids")
        trueIds = try ctx.int64List("nodes_truenodeids")
        falseIds = try ctx.int64List("nodes_falsenodeids")
        values = try ctx.exclusiveDoubles("nodes_values")
        let modes = try Self.readModes(ctx)
        let missing = try ctx.int64List("nodes_missing_value_tracks_true")
        for (name, list) in [("nodes_treeids", treeIds), ("nodes_featureids", featureIds),
                             ("nodes_truenodeids", trueIds), ("nodes_falsenodeids", falseIds)] {
            try ctx.expectCount(name, list, count, like: "nodes_nodeids")
        }
        try ctx.expectCount("nodes_modes", entries: modes.count, count, like: "nodes_nodeids")
        try ctx.expectCount(ctx.has("nodes_values_as_tensor") ? "nodes_values_as_tensor" : "nodes_values",
                            values, count, like: "nodes_nodeids")
        guard missing.count <= count else {
            throw ctx.error("nodes_missing_value_tracks_true", "has \(missing.count) entries but 'nodes_nodeids' has \(count).")
        }
        // onnxruntime: a missing entry means false, and only the value 1 means true.
        missingTrue = (0..<count).map { $0 < missing.count && missing[$0] == 1 }
        self.modes = try modes.get(nodeIds: nodeIds, treeIds: treeIds, ctx)
        index = try TreeNodeIndexV3(treeIds: treeIds, nodeIds: nodeIds, ctx)
        try checkBranches(ctx)
    }

    /// The modes, read from the attribute's bytes; a name that is not a mode keeps the raw
    /// names so that the error can name the node (which needs the ids read after the modes).
    private enum ModeList {
        case modes([Mode])
        case names([String])

        var count: Int {
            switch self {
            case .modes(let modes): modes.count
            case .names(let names): names.count
            }
        }

        func get(nodeIds: [Int64], treeIds: [Int64], _ ctx: NodeContext) throws -> [Mode] {
            switch self {
            case .modes(let modes): return modes
            case .names(let names):
                return try names.enumerated().map { position, name in
                    guard let mode = Mode(rawValue: name) else {
                        throw ctx.error("nodes_modes", "mode '\(name)' of node '\(nodeIds[position])' in tree '\(treeIds[position])' is not one of BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ, LEAF.")
                    }
                    return mode
                }
            }
        }
    }

    private static func readModes(_ ctx: NodeContext) throws -> ModeList {
        let all: [Mode] = [.leq, .lt, .gte, .gt, .eq, .neq, .leaf]
        if let codes = ctx.stringCodes("nodes_modes", all.map(\.rawValue)) {
            return .modes(codes.map { all[$0] })
        }
        return .names(try ctx.strings("nodes_modes") ?? [])
    }

    /// Checks every branch's feature and children, in node order.
    private func checkBranches(_ ctx: NodeContext) throws {
        for tree in trees.indices {
            for position in trees[tree].positions where modes[position] != .leaf {
                let feature = featureIds[position]
                guard feature >= 0, feature <= Int64(treeFeatureLimit) else {
                    throw ctx.error("nodes_featureids",
                        "feature index '\(feature)' of node '\(nodeIds[position])' in tree '\(treeIds[position])' is out of range.")
                }
                _ = try child(ctx, "nodes_truenodeids", trueIds[position], of: position, tree: tree)
                _ = try child(ctx, "nodes_falsenodeids", falseIds[position], of: position, tree: tree)
            }
        }
    }

    /// The position of a branch's child, checked when loading (-1 if it was not).
    private func child(of position: Int, tree: Int, viaTrue: Bool) -> Int {
        index.position(inTree: tree, node: viaTrue ? trueIds[position] : falseIds[position]) ?? -1
    }

    private func child(_ ctx: NodeContext, _ attribute: String, _ id: Int64, of position: Int, tree: Int) throws -> Int {
        guard let child = index.position(inTree: tree, node: id) else {
            throw ctx.error(attribute, "node '\(nodeIds[position])' of tree '\(treeIds[position])' points to node '\(id)', which is not in the tree.")
        }
        guard child != position else {
            throw ctx.error(attribute, "node '\(nodeIds[position])' of tree '\(treeIds[position])' points to itself.")
        }
        return child
    }

    /// Inputs the model needs: onnxruntime also counts the feature ids written on leaves.
    var minimumFeatureCount: Int {
        var largest: Int64 = -1
        for (mode, feature) in zip(modes, featureIds) where mode == .leaf && feature <= Int64(treeFeatureLimit) {
            largest = Swift.max(largest, feature)
        }
        return Int(largest) + 1
    }

    /// The trees in the engine's flat form. A leaf's weights are its entries in `weights`;
    /// with one target, a leaf without any contributes its own `nodes_values` entry, as
    /// onnxruntime's single-output path reads it.
    func flatTrees<T: TreeScalar>(_ weights: TreeLeafWeightsV3, singleTarget: Bool) throws -> FlatTrees<T> {
        var branches: [TreeBranch<T>?] = []
        branches.reserveCapacity(modes.count)
        var weightStarts = [0]
        weightStarts.reserveCapacity(modes.count + 1)
        var leafWeights: [TreeLeafWeight<T>] = []
        leafWeights.reserveCapacity(weights.count)
        var treeStarts = [0]
        treeStarts.reserveCapacity(trees.count + 1)
        // The trees are consecutive runs from position 0, so positions are flat node indices.
        var cursor = 0
        for (treeIndex, tree) in trees.enumerated() {
            let start = tree.positions.lowerBound
            for position in tree.positions {
                if modes[position] == .leaf {
                    branches.append(nil)
                    let first = leafWeights.count
                    while let (target, weight) = weights.next(of: position, cursor: &cursor) {
                        leafWeights.append(TreeLeafWeight(target: target, weight: T(weight)))
                    }
                    if singleTarget, leafWeights.count == first {
                        leafWeights.append(TreeLeafWeight(target: 0, weight: T(values[position])))
                    }
                } else {
                    branches.append(TreeBranch(feature: Int(featureIds[position]),
                                               comparison: comparison(modes[position], T(values[position])),
                                               missingGoesTrue: missingTrue[position],
                                               whenTrue: child(of: position, tree: treeIndex, viaTrue: true) - start,
                                               whenFalse: child(of: position, tree: treeIndex, viaTrue: false) - start))
                }
                weightStarts.append(leafWeights.count)
            }
            treeStarts.append(branches.count)
        }
        return try FlatTrees(treeStarts: treeStarts, branches: branches, weightStarts: weightStarts, weights: leafWeights)
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
    func loadError(_ ctx: NodeContext, _ problem: TreeStructureProblem) -> EngineError {
        guard trees.indices.contains(problem.tree), trees[problem.tree].positions.count > problem.node else {
            return ctx.error("nodes_treeids", problem.description)
        }
        let position = trees[problem.tree].positions.lowerBound + problem.node
        let attribute = problem.viaTrueChild ? "nodes_truenodeids" : "nodes_falsenodeids"
        let node = "node '\(nodeIds[position])' of tree '\(treeIds[position])'"
        switch problem.kind {
        case .reachedTwice:
            let child = child(of: position, tree: problem.tree, viaTrue: problem.viaTrueChild)
            let childId = child >= 0 ? nodeIds[child] : -1
            return ctx.error(attribute, "\(node) points to node '\(childId)', which is already in the tree: the tree has a cycle or a shared subtree.")
        case .tooDeep(let limit):
            return ctx.error("nodes_truenodeids", "\(node) lies deeper than \(limit) levels.")
        default:
            return ctx.error(attribute, "\(node): \(problem.summary)")
        }
    }
}
