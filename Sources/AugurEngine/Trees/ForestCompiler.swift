/// Deepest branch a tree may have; deeper trees are refused when compiling.
public let treeDepthLimit = 10_000

/// Largest feature index a branch may read.
public let treeFeatureLimit = Int(Int32.max) - 1

extension CompiledForest {
    /// Compiles `model`: every tree is walked iteratively from its root (so malicious files
    /// cannot recurse or loop), each node reached exactly once, and laid out in pre-order.
    init(_ model: TreeEnsembleModel<S>) throws(TreeStructureProblem) {
        inlineTarget = Self.inlineTarget(of: model)
        nodes.reserveCapacity(model.trees.reduce(0) { $0 + $1.nodes.count })
        for (index, tree) in model.trees.enumerated() {
            try append(tree, index: index, targetCount: model.targetCount)
        }
        padded = PaddedForest(self)
    }

    /// The target whose weight every leaf can store inline: always target 0 for a single
    /// target (the first weight counts), otherwise the one target all leaves give exactly
    /// one weight to, if there is one.
    static func inlineTarget(of model: TreeEnsembleModel<S>) -> Int? {
        if model.targetCount == 1 { return 0 }
        var target: Int?
        for tree in model.trees {
            for case .leaf(let weights) in tree.nodes {
                guard weights.count == 1, target == nil || target == weights[0].target else { return nil }
                target = weights[0].target
            }
        }
        return target
    }

    private struct Frame {
        var node: Int
        /// Position of the parent whose other-child offset this node fills, or -1.
        var patch: Int
        var depth: Int
        var parent: Int
        var viaTrue: Bool
    }

    private mutating func append(_ tree: DecisionTree<S>, index: Int, targetCount: Int) throws(TreeStructureProblem) {
        guard tree.nodes.indices.contains(tree.root) else {
            throw TreeStructureProblem(tree: index, node: tree.root, kind: .rootOutOfRange)
        }
        guard tree.nodes.count <= FlatNode<S>.maxOffset else {
            throw TreeStructureProblem(tree: index, node: tree.root, kind: .tooLarge(limit: FlatNode<S>.maxOffset))
        }
        let start = nodes.count
        var visited = [Bool](repeating: false, count: tree.nodes.count)
        var stack = [Frame(node: tree.root, patch: -1, depth: 0, parent: tree.root, viaTrue: true)]
        var depth = 0
        while let frame = stack.popLast() {
            guard tree.nodes.indices.contains(frame.node) else {
                throw TreeStructureProblem(tree: index, node: frame.parent, viaTrueChild: frame.viaTrue,
                                           kind: .childOutOfRange(child: frame.node))
            }
            guard !visited[frame.node] else {
                throw TreeStructureProblem(tree: index, node: frame.parent, viaTrueChild: frame.viaTrue, kind: .reachedTwice)
            }
            visited[frame.node] = true
            if frame.patch >= 0 {
                // Each node is emitted once, so the offset is below the tree's node count.
                nodes[frame.patch].link |= Int32(nodes.count - frame.patch) << FlatNode<S>.offsetShift
            }
            switch tree.nodes[frame.node] {
            case .leaf(let weights):
                try appendLeaf(weights, tree: index, node: frame.node, targetCount: targetCount)
                depth = Swift.max(depth, frame.depth)
            case .branch(let branch):
                guard frame.depth < treeDepthLimit else {
                    throw TreeStructureProblem(tree: index, node: frame.node, kind: .tooDeep(limit: treeDepthLimit))
                }
                let swapped = try appendBranch(branch, tree: index, node: frame.node)
                let position = nodes.count - 1
                let (next, other) = swapped ? (branch.whenFalse, branch.whenTrue) : (branch.whenTrue, branch.whenFalse)
                stack.append(Frame(node: other, patch: position, depth: frame.depth + 1, parent: frame.node, viaTrue: swapped))
                stack.append(Frame(node: next, patch: -1, depth: frame.depth + 1, parent: frame.node, viaTrue: !swapped))
            }
        }
        roots.append(start)
        depths.append(depth)
    }

    /// Appends a normalised branch; returns whether its children were swapped.
    ///
    /// `>` and `>=` swap children so the stored test is `<=` or `<`; a strict `<` is stored
    /// as `<= t.nextDown` (exact in the storage type) with the strict bit kept for walks that
    /// compare in a wider type. NaN thresholds are never swapped: every ordered test with
    /// them is false, which `x <= NaN` keeps.
    private mutating func appendBranch(_ branch: TreeBranch<S>, tree: Int, node: Int) throws(TreeStructureProblem) -> Bool {
        guard branch.feature >= 0, branch.feature <= treeFeatureLimit else {
            throw TreeStructureProblem(tree: tree, node: node, kind: .featureOutOfRange(feature: branch.feature))
        }
        maxFeature = Swift.max(maxFeature, branch.feature)
        var kind = FlatNodeKind.ordered
        var strict = false
        var swapped = false
        let value: S
        switch branch.comparison {
        case .lessOrEqual(let t): value = t
        case .less(let t): value = Self.strictThreshold(t); strict = true
        case .greater(let t): value = t; swapped = !t.isNaN
        case .greaterOrEqual(let t): value = Self.strictThreshold(t); strict = true; swapped = !t.isNaN
        case .equal(let t): kind = .equal; value = t
        case .notEqual(let t): kind = .notEqual; value = t
        case .member(let set):
            kind = .member
            value = S(treeIndexBits: memberSets.count)
            memberSets.append(set)
        case .memberTruncated(let set):
            kind = .memberTruncated
            value = S(treeIndexBits: truncatedSets.count)
            truncatedSets.append(Array(Set(set)).sorted())
        }
        let nanNext = swapped ? !branch.missingGoesTrue : branch.missingGoesTrue
        var link = FlatNode<S>.branchBit
        if nanNext {
            link |= FlatNode<S>.nanNextBit
            missingValues = true
        }
        if strict { link |= FlatNode<S>.strictBit }
        nodes.append(FlatNode(value: value, feature: Int32(branch.feature), link: link))
        kinds.append(kind)
        if kind != .ordered { allOrdered = false }
        if strict { hasStrict = true }
        return swapped
    }

    /// The `<=` threshold equivalent to `< t`: `t.nextDown`, or NaN (never true) for -inf.
    static func strictThreshold(_ t: S) -> S {
        if t.isNaN { return t }
        return t == -S.infinity ? S.nan : t.nextDown
    }

    private mutating func appendLeaf(_ weights: [TreeLeafWeight<S>], tree: Int, node: Int,
                                     targetCount: Int) throws(TreeStructureProblem) {
        for weight in weights where weight.target < 0 || weight.target >= targetCount {
            throw TreeStructureProblem(tree: tree, node: node, kind: .targetOutOfRange(target: weight.target))
        }
        let value: S
        if inlineTarget != nil {
            value = weights.first?.weight ?? 0
        } else {
            value = S(treeIndexBits: leafCount)
            for weight in weights {
                weightTargets.append(weight.target)
                weightValues.append(weight.weight)
            }
            leafStarts.append(weightTargets.count)
        }
        leafCount += 1
        nodes.append(FlatNode(value: value, feature: 0, link: 0))
        kinds.append(.leaf)
    }
}
