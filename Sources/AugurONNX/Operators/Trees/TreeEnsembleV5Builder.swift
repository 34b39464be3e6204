import AugurEngine

/// Builds TreeEnsemble (ai.onnx.ml opset 5): input and output share the values' type.
enum TreeEnsembleV5Builder {
    static func build(_ ctx: NodeContext) throws -> any Operator {
        let attributes = try TreeAttributesV5(ctx)
        if attributes.type == .float64 {
            let (model, slots) = try attributes.model(Double.self, ctx)
            return try TreeEnsemble(model, kind: .ensemble) { attributes.loadError(ctx, $0, slots: slots) }
        }
        let (model, slots) = try attributes.model(Float.self, ctx)
        return try TreeEnsemble(model, kind: .ensemble) { attributes.loadError(ctx, $0, slots: slots) }
    }
}

extension TreeAttributesV5 {
    /// The model, and for each tree the `nodes_*` index behind each of its nodes (-1 for leaves).
    ///
    /// Trees are collected iteratively from their roots. Every interior node may belong to
    /// one place in one tree, which rules out cycles and exponential sharing; leaves may be
    /// shared (each reference becomes its own leaf).
    func model<T: TreeScalar>(_: T.Type, _ ctx: NodeContext) throws -> (TreeEnsembleModel<T>, [[Int]]) {
        var claimed = [Bool](repeating: false, count: modes.count)
        var trees: [DecisionTree<T>] = []
        var slots: [[Int]] = []
        for (index, root) in roots.enumerated() {
            if isLeafTree(root) {
                trees.append(DecisionTree(nodes: [leaf(Int(root))]))
                slots.append([-1])
                continue
            }
            let node = Int(root)
            guard !claimed[node] else {
                throw ctx.error("tree_roots", "root '\(root)' of tree \(index) is already part of another tree.")
            }
            claimed[node] = true
            let (tree, treeSlots): (DecisionTree<T>, [Int]) = try collect(root: node, claimed: &claimed, ctx)
            trees.append(tree)
            slots.append(treeSlots)
        }
        let model = TreeEnsembleModel(trees: trees, targetCount: targets, aggregation: aggregation,
                                      postTransform: postTransform)
        return (model, slots)
    }

    private func leaf<T: TreeScalar>(_ index: Int) -> TreeNode<T> {
        .leaf([TreeLeafWeight(target: leafTargets[index], weight: T(leafWeights[index]))])
    }

    private func collect<T: TreeScalar>(root: Int, claimed: inout [Bool], _ ctx: NodeContext) throws -> (DecisionTree<T>, [Int]) {
        var nodes: [TreeNode<T>] = [.leaf([])]
        var slots = [root]
        var stack = [(node: root, slot: 0)]
        while let (node, slot) = stack.popLast() {
            var children: [Int] = []
            for (name, id, isLeaf) in [("nodes_truenodeids", trueIds[node], trueLeafs[node]),
                                       ("nodes_falsenodeids", falseIds[node], falseLeafs[node])] {
                let child = Int(id)
                children.append(nodes.count)
                if isLeaf {
                    nodes.append(leaf(child))
                    slots.append(-1)
                    continue
                }
                guard !claimed[child] else {
                    throw ctx.error(name, "node \(node) points to node '\(child)', which is already part of a tree: trees must not have cycles or shared subtrees.")
                }
                claimed[child] = true
                stack.append((child, nodes.count))
                nodes.append(.leaf([]))
                slots.append(child)
            }
            nodes[slot] = .branch(TreeBranch(feature: Int(featureIds[node]), comparison: comparison(node),
                                             missingGoesTrue: missingTrue[node], whenTrue: children[0], whenFalse: children[1]))
        }
        return (DecisionTree(nodes: nodes, root: 0), slots)
    }

    /// The node's test. Membership sets follow onnxruntime: fewer than 31 values within
    /// 0...30 compare exactly; other sets compare the input truncated to an integer.
    private func comparison<T: TreeScalar>(_ node: Int) -> TreeComparison<T> {
        let split = T(splits[node])
        switch modes[node] {
        case 0: return .lessOrEqual(split)
        case 1: return .less(split)
        case 2: return .greaterOrEqual(split)
        case 3: return .greater(split)
        case 4: return .equal(split)
        case 5: return .notEqual(split)
        default:
            let set = sets[node]
            if set.count < 31, set.allSatisfy({ $0 >= 0 && $0 <= 30 }) {
                return .member(set.map { T($0) })
            }
            return .memberTruncated(set.compactMap { value in
                let truncated = T(value).rounded(.towardZero).treeDouble
                return truncated >= -2_147_483_648 && truncated <= 2_147_483_647 ? Int64(truncated) : nil
            })
        }
    }

    func loadError(_ ctx: NodeContext, _ problem: TreeStructureProblem, slots: [[Int]]) -> EngineError {
        var node = -1
        if slots.indices.contains(problem.tree), slots[problem.tree].indices.contains(problem.node) {
            node = slots[problem.tree][problem.node]
        }
        let attribute = problem.viaTrueChild ? "nodes_truenodeids" : "nodes_falsenodeids"
        return ctx.error(attribute, "tree \(problem.tree), node \(node): \(problem.summary)")
    }
}
