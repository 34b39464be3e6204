import AugurEngine

/// The attributes of TreeEnsemble (ai.onnx.ml opset 5), read and checked: equal lengths,
/// known modes, children and targets in range, one membership set per BRANCH_MEMBER node.
struct TreeAttributesV5 {
    static let memberMode: UInt8 = 6

    let roots: [Int64]
    let modes: [UInt8]
    let featureIds: [Int64]
    let splits: [Double]
    let trueIds: [Int64]
    let falseIds: [Int64]
    let trueLeafs: [Bool]
    let falseLeafs: [Bool]
    let missingTrue: [Bool]
    let leafTargets: [Int]
    let leafWeights: [Double]
    /// The membership set of each node (empty for other modes).
    private(set) var sets: [[Double]] = []
    /// Scalar type of splits, weights and membership values (float32 or float64).
    let type: ElementType
    let targets: Int
    let aggregation: TreeAggregation
    let postTransform: PostTransform

    init(_ ctx: NodeContext) throws {
        targets = try ctx.required("n_targets", ctx.int)
        guard targets >= 1, targets <= TreeEnsemble.targetLimit else {
            throw ctx.error("n_targets", "'\(targets)' must be between 1 and \(TreeEnsemble.targetLimit).")
        }
        let aggregate = try ctx.int("aggregate_function", default: 1)
        let aggregations: [TreeAggregation] = [.average, .sum, .minimum, .maximum]
        guard aggregations.indices.contains(aggregate) else {
            throw ctx.error("aggregate_function", "'\(aggregate)' is not one of 0 (AVERAGE), 1 (SUM), 2 (MIN), 3 (MAX).")
        }
        aggregation = aggregations[aggregate]
        let post = try ctx.int("post_transform", default: 0)
        guard let transform = treePostTransform(code: post) else {
            throw ctx.error("post_transform", "'\(post)' is not one of 0 (NONE), 1 (SOFTMAX), 2 (LOGISTIC), 3 (SOFTMAX_ZERO), 4 (PROBIT).")
        }
        postTransform = transform
        roots = try ctx.required("tree_roots", ctx.int64s)
        modes = try ctx.required("nodes_modes", ctx.uint8Tensor)
        let (splitValues, splitType) = try ctx.required("nodes_splits", ctx.floatingTensor)
        let (weightValues, weightType) = try ctx.required("leaf_weights", ctx.floatingTensor)
        splits = splitValues
        leafWeights = weightValues
        type = splitType
        guard weightType == splitType else {
            throw ctx.error("leaf_weights", "is \(weightType) but 'nodes_splits' is \(splitType); they must have the same type.")
        }
        featureIds = try ctx.int64List("nodes_featureids")
        trueIds = try ctx.int64List("nodes_truenodeids")
        falseIds = try ctx.int64List("nodes_falsenodeids")
        trueLeafs = try Self.flags(ctx, "nodes_trueleafs")
        falseLeafs = try Self.flags(ctx, "nodes_falseleafs")
        let missing = try ctx.int64List("nodes_missing_value_tracks_true")
        missingTrue = missing.isEmpty ? [Bool](repeating: false, count: modes.count) : missing.map { $0 == 1 }
        let targetIds = try ctx.int64List("leaf_targetids")
        leafTargets = targetIds.map { Int(clamping: $0) }
        try checkLengths(ctx, missing: missing)
        try checkNodes(ctx)
        try checkTargets(ctx, targetIds)
        try readSets(ctx)
    }

    private static func flags(_ ctx: NodeContext, _ name: String) throws -> [Bool] {
        try ctx.int64List(name).map { value in
            guard value == 0 || value == 1 else { throw ctx.error(name, "value '\(value)' must be 0 or 1.") }
            return value == 1
        }
    }

    private func checkLengths(_ ctx: NodeContext, missing: [Int64]) throws {
        let count = modes.count
        for (name, length) in [("nodes_featureids", featureIds.count), ("nodes_splits", splits.count),
                               ("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count),
                               ("nodes_trueleafs", trueLeafs.count), ("nodes_falseleafs", falseLeafs.count)] {
            guard length == count else {
                throw ctx.error(name, "has \(length) entries but 'nodes_modes' has \(count); they must be equal.")
            }
        }
        guard missing.isEmpty || missing.count == count else {
            throw ctx.error("nodes_missing_value_tracks_true", "has \(missing.count) entries but 'nodes_modes' has \(count).")
        }
        try ctx.expectCount("leaf_targetids", leafTargets, leafWeights.count, like: "leaf_weights")
    }

    private func checkNodes(_ ctx: NodeContext) throws {
        for node in modes.indices {
            guard modes[node] <= Self.memberMode else {
                throw ctx.error("nodes_modes", "mode '\(modes[node])' of node \(node) is not one of 0 (BRANCH_LEQ) to 6 (BRANCH_MEMBER).")
            }
            guard featureIds[node] >= 0, featureIds[node] <= Int64(treeFeatureLimit) else {
                throw ctx.error("nodes_featureids", "feature index '\(featureIds[node])' of node \(node) is out of range.")
            }
            try checkChild(ctx, "nodes_truenodeids", trueIds[node], leaf: trueLeafs[node], of: node)
            try checkChild(ctx, "nodes_falsenodeids", falseIds[node], leaf: falseLeafs[node], of: node)
        }
        for (tree, root) in roots.enumerated() {
            let valid = isLeafTree(root) ? root < Int64(leafWeights.count) : (root >= 0 && root < Int64(modes.count))
            guard valid else {
                throw ctx.error("tree_roots", "root '\(root)' of tree \(tree) is not a node (or, for a single-leaf tree, not a leaf).")
            }
        }
    }

    private func checkChild(_ ctx: NodeContext, _ name: String, _ child: Int64, leaf: Bool, of node: Int) throws {
        let limit = leaf ? leafWeights.count : modes.count
        guard child >= 0, child < Int64(limit) else {
            throw ctx.error(name, "node \(node) points to \(leaf ? "leaf" : "node") '\(child)', which does not exist.")
        }
    }

    private func checkTargets(_ ctx: NodeContext, _ targetIds: [Int64]) throws {
        for (leaf, target) in targetIds.enumerated() where target < 0 || target >= Int64(targets) {
            throw ctx.error("leaf_targetids", "target '\(target)' of leaf \(leaf) is out of range for \(targets) targets.")
        }
    }

    /// Whether tree root `root` is a single leaf: a node whose two branches are the same leaf.
    /// Like onnxruntime and the ONNX reference implementation, the leaf is then `leaf_*[root]`.
    func isLeafTree(_ root: Int64) -> Bool {
        guard root >= 0, root < Int64(modes.count) else { return false }
        let node = Int(root)
        return trueLeafs[node] && falseLeafs[node] && trueIds[node] == falseIds[node]
    }

    /// Splits `membership_values` at NaNs into one set per BRANCH_MEMBER node, in node order.
    private mutating func readSets(_ ctx: NodeContext) throws {
        let members = modes.indices.filter { modes[$0] == Self.memberMode }
        sets = [[Double]](repeating: [], count: modes.count)
        guard !members.isEmpty else { return }
        guard let membership = try ctx.floatingTensor("membership_values") else {
            throw ctx.error("membership_values", "is required: \(members.count) nodes use BRANCH_MEMBER.", code: .missingAttribute)
        }
        guard membership.type == type else {
            throw ctx.error("membership_values", "is \(membership.type) but 'nodes_splits' is \(type); they must have the same type.")
        }
        var groups: [[Double]] = [[]]
        for value in membership.values {
            if value.isNaN { groups.append([]) } else { groups[groups.count - 1].append(value) }
        }
        if groups.count > 1, groups[groups.count - 1].isEmpty { groups.removeLast() }
        guard groups.count == members.count else {
            throw ctx.error("membership_values", "holds \(groups.count) sets but \(members.count) nodes use BRANCH_MEMBER.")
        }
        for (node, set) in zip(members, groups) {
            guard !set.isEmpty else { throw ctx.error("membership_values", "the set of node \(node) is empty.") }
            sets[node] = set
        }
    }
}
