/// Deepest branch a tree may have; deeper trees are refused when compiling.
public let treeDepthLimit = 10_000

/// Largest feature index a branch may read.
public let treeFeatureLimit = Int(Int32.max) - 1

extension CompiledForest {
    /// Compiles `model`: every tree is walked iteratively from its root (so malicious files
    /// cannot recurse or loop), each node reached exactly once, and laid out in pre-order.
    init(_ model: TreeEnsembleModel<S>) throws(TreeStructureProblem) {
        switch model.forest {
        case .nested(let trees): try self.init(NestedTrees(trees: trees), targetCount: model.targetCount)
        case .flat(let trees): try self.init(trees, targetCount: model.targetCount)
        }
    }

    private init<Source: ForestSource>(_ source: Source, targetCount: Int) throws(TreeStructureProblem) where Source.S == S {
        inlineTarget = Self.inlineTarget(of: source, targetCount: targetCount)
        nodes.reserveCapacity((0..<source.treeCount).reduce(0) { $0 + source.nodeCount($1) })
        kinds.reserveCapacity(nodes.capacity)
        for tree in 0..<source.treeCount {
            try append(tree, of: source, targetCount: targetCount)
        }
        padded = PaddedForest(self)
    }

    /// The target whose weight every leaf can store inline: always target 0 for a single
    /// target (the first weight counts), otherwise the one target all leaves give exactly
    /// one weight to, if there is one.
    static func inlineTarget<Source: ForestSource>(of source: Source, targetCount: Int) -> Int? where Source.S == S {
        if targetCount == 1 { return 0 }
        var target: Int?
        for tree in 0..<source.treeCount {
            for node in 0..<source.nodeCount(tree) where source.branch(tree, node) == nil {
                let weights = source.leafWeights(tree, node)
                guard let first = weights.first, weights.count == 1, target == nil || target == first.target else { return nil }
                target = first.target
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

    private mutating func append<Source: ForestSource>(_ index: Int, of source: Source,
                                                       targetCount: Int) throws(TreeStructureProblem) where Source.S == S {
        let count = source.nodeCount(index)
        let root = source.root(index)
        guard (0..<count).contains(root) else {
            throw TreeStructureProblem(tree: index, node: root, kind: .rootOutOfRange)
        }
        guard count <= FlatNode<S>.maxOffset else {
            throw TreeStructureProblem(tree: index, node: root, kind: .tooLarge(limit: FlatNode<S>.maxOffset))
        }
        let start = nodes.count
        var visited = [Bool](repeating: false, count: count)
        var stack = [Frame(node: root, patch: -1, depth: 0, parent: root, viaTrue: true)]
        var depth = 0
        while let frame = stack.popLast() {
            guard (0..<count).contains(frame.node) else {
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
            guard let branch = source.branch(index, frame.node) else {
                try appendLeaf(source.leafWeights(index, frame.node), tree: index, node: frame.node, targetCount: targetCount)
                depth = Swift.max(depth, frame.depth)
                continue
            }
            guard frame.depth < treeDepthLimit else {
                throw TreeStructureProblem(tree: index, node: frame.node, kind: .tooDeep(limit: treeDepthLimit))
            }
            let swapped = try appendBranch(branch, tree: index, node: frame.node)
            Self.pushChildren(of: branch, swapped: swapped, frame: frame, position: nodes.count - 1, onto: &stack)
        }
        roots.append(start)
        depths.append(depth)
    }

    /// Pushes the branch's children so that its next child is emitted right after it and the
    /// other child, once emitted, patches the branch's offset.
    private static func pushChildren(of branch: TreeBranch<S>, swapped: Bool, frame: Frame, position: Int,
                                     onto stack: inout [Frame]) {
        let (next, other) = swapped ? (branch.whenFalse, branch.whenTrue) : (branch.whenTrue, branch.whenFalse)
        stack.append(Frame(node: other, patch: position, depth: frame.depth + 1, parent: frame.node, viaTrue: swapped))
        stack.append(Frame(node: next, patch: -1, depth: frame.depth + 1, parent: frame.node, viaTrue: !swapped))
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

    private mutating func appendLeaf(_ weights: ArraySlice<TreeLeafWeight<S>>, tree: Int, node: Int,
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
