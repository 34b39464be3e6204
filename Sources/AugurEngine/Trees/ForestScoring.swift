/// Raw per-target scores of a batch, before base values and transforms.
struct ForestScores<C: TreeScalar> {
    /// Row-major `rows × targets`.
    var values: [C]
    /// Whether any tree gave the (row, target) a weight (onnxruntime's `has_score`).
    var has: [Bool]
}

/// Rows walked together in the lockstep walk.
let forestLaneCount = 16
/// Below this many rows, each row walks through groups of trees together instead.
let forestFewRows = 8

extension CompiledForest {
    /// Accumulates every tree's leaf weights for `count` rows of `stride` values each.
    ///
    /// Per row, trees are visited in model order and a leaf's weights in their order, so sums
    /// round exactly as onnxruntime's do.
    func scores<C: TreeScalar>(rows: UnsafeBufferPointer<C>, count: Int, stride: Int, targets: Int,
                               aggregation: TreeAggregation) -> ForestScores<C> {
        var scores = ForestScores<C>(values: [C](filled: 0, count: count * targets),
                                     has: [Bool](filled: false, count: count * targets))
        guard count > 0, let base = rows.baseAddress else { return scores }
        let widened = C.treeElementType != S.treeElementType
        let fast = allOrdered && !(widened && hasStrict)
        if let target = inlineTarget {
            if fast {
                inlineFast(base, count: count, stride: stride, targets: targets, target: target,
                           aggregation: aggregation, into: &scores.values)
            } else {
                inlineGeneral(base, count: count, stride: stride, targets: targets, target: target,
                              aggregation: aggregation, widened: widened, into: &scores.values)
            }
            if treeCount > 0 {
                for row in 0..<count { scores.has[row * targets + target] = true }
            }
        } else if fast {
            leavesFast(base, count: count, stride: stride, targets: targets, aggregation: aggregation, into: &scores)
        } else {
            leavesGeneral(base, count: count, stride: stride, targets: targets, aggregation: aggregation,
                          widened: widened, into: &scores)
        }
        return scores
    }

    /// Folds `value` into a score that every tree feeds (inline leaves): the first tree sets it.
    @inline(__always)
    static func fold<C: TreeScalar>(_ score: inout C, _ value: C, first: Bool, _ aggregation: TreeAggregation) {
        switch aggregation {
        case .sum, .average: score += value
        case .minimum: if first || value < score { score = value }
        case .maximum: if first || value > score { score = value }
        }
    }

    /// Folds `value` into a score some trees may not feed, tracking `has` as onnxruntime does.
    @inline(__always)
    static func fold<C: TreeScalar>(_ score: inout C, _ has: inout Bool, _ value: C, _ aggregation: TreeAggregation) {
        switch aggregation {
        case .sum, .average: score += value
        case .minimum: if !has || value < score { score = value }
        case .maximum: if !has || value > score { score = value }
        }
        has = true
    }

    /// Calls `body(tree, firstRow, lanes, leafValues)` after a lockstep walk of every group of
    /// rows through every tree, batch by batch; `leafValues[lane]` is the `value` of the leaf
    /// the lane's row reached (an inline weight or a leaf index).
    @inline(__always)
    private func walkBatches<C: TreeScalar>(
        _ rows: UnsafePointer<C>, count: Int, stride: Int, _ body: (Int, Int, Int, UnsafePointer<S>) -> Void
    ) {
        let batchRows = Self.batchRows(stride: stride)
        withLayout { layout in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: forestLaneCount) { positionBuffer in
                withUnsafeTemporaryAllocation(of: S.self, capacity: forestLaneCount) { valueBuffer in
                    guard let positions = positionBuffer.baseAddress, let values = valueBuffer.baseAddress else { return }
                    for batch in Swift.stride(from: 0, to: count, by: batchRows) {
                        let batchEnd = Swift.min(count, batch + batchRows)
                        for tree in 0..<treeCount {
                            for first in Swift.stride(from: batch, to: batchEnd, by: forestLaneCount) {
                                let lanes = Swift.min(forestLaneCount, batchEnd - first)
                                layout.walk(tree: tree, rows + first * stride, stride: stride, lanes: lanes,
                                            positions: positions, values: values)
                                body(tree, first, lanes, values)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(firstTree, row, lanes, leafValues)` after walking each row through groups
    /// of trees together; `leafValues[lane]` is the value of the leaf of tree `firstTree + lane`.
    /// For a handful of rows this keeps as many independent walks in flight as a batch does.
    @inline(__always)
    private func walkTreeGroups<C: TreeScalar>(
        _ rows: UnsafePointer<C>, count: Int, stride: Int, _ body: (Int, Int, Int, UnsafePointer<S>) -> Void
    ) {
        withLayout { layout in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: forestLaneCount) { positionBuffer in
                withUnsafeTemporaryAllocation(of: S.self, capacity: forestLaneCount) { valueBuffer in
                    guard let positions = positionBuffer.baseAddress, let values = valueBuffer.baseAddress else { return }
                    for row in 0..<count {
                        for firstTree in Swift.stride(from: 0, to: treeCount, by: forestLaneCount) {
                            let lanes = Swift.min(forestLaneCount, treeCount - firstTree)
                            layout.walkTrees(firstTree, lanes: lanes, row: rows + row * stride,
                                             positions: positions, values: values)
                            body(firstTree, row, lanes, values)
                        }
                    }
                }
            }
        }
    }

    /// Rows per batch: enough that a tree is reused by many rows while it is in cache (up to
    /// 4096), few enough that the batch's rows (about 1 MB) stay in L2.
    static func batchRows(stride: Int) -> Int {
        Swift.max(forestLaneCount, Swift.min(4096, (1 << 20) / Swift.max(1, stride * 4)))
    }

    /// Calls `body` with pointers to the arrays a walk reads, taken once per batch call so
    /// that walking a tree retains nothing.
    @inline(__always)
    private func withLayout(_ body: (WalkLayout<S>) -> Void) {
        nodes.withUnsafeBufferPointer { flat in
            roots.withUnsafeBufferPointer { roots in
                depths.withUnsafeBufferPointer { depths in
                    guard let padded else {
                        body(WalkLayout(flat: flat, roots: roots, depths: depths, missingValues: missingValues))
                        return
                    }
                    padded.nodes.withUnsafeBufferPointer { paddedNodes in
                        padded.leaves.withUnsafeBufferPointer { leaves in
                            padded.nodeBases.withUnsafeBufferPointer { nodeBases in
                                padded.leafBases.withUnsafeBufferPointer { leafBases in
                                    body(WalkLayout(flat: flat, roots: roots, depths: depths, missingValues: missingValues,
                                                    paddedNodes: paddedNodes, leaves: leaves,
                                                    nodeBases: nodeBases, leafBases: leafBases))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func inlineFast<C: TreeScalar>(_ rows: UnsafePointer<C>, count: Int, stride: Int, targets: Int, target: Int,
                                           aggregation: TreeAggregation, into values: inout [C]) {
        values.withUnsafeMutableBufferPointer { out in
            // `values` holds count × targets scores; rows stay below count, target below targets.
            guard let scores = out.baseAddress else { return }
            if count < forestFewRows {
                walkTreeGroups(rows, count: count, stride: stride) { firstTree, row, lanes, leaves in
                    for lane in 0..<lanes {
                        Self.fold(&scores[row * targets + target], C(tree: leaves[lane]), first: firstTree + lane == 0, aggregation)
                    }
                }
                return
            }
            walkBatches(rows, count: count, stride: stride) { tree, first, lanes, leaves in
                for lane in 0..<lanes {
                    Self.fold(&scores[(first + lane) * targets + target], C(tree: leaves[lane]), first: tree == 0, aggregation)
                }
            }
        }
    }

    private func leavesFast<C: TreeScalar>(_ rows: UnsafePointer<C>, count: Int, stride: Int, targets: Int,
                                           aggregation: TreeAggregation, into scores: inout ForestScores<C>) {
        if count < forestFewRows {
            walkTreeGroups(rows, count: count, stride: stride) { _, row, lanes, leaves in
                for lane in 0..<lanes {
                    addLeaf(leaves[lane].treeIndexBits, row: row, targets: targets, aggregation: aggregation, into: &scores)
                }
            }
            return
        }
        walkBatches(rows, count: count, stride: stride) { _, first, lanes, leaves in
            for lane in 0..<lanes {
                addLeaf(leaves[lane].treeIndexBits, row: first + lane, targets: targets, aggregation: aggregation, into: &scores)
            }
        }
    }

    /// Folds every weight of leaf `leaf` into `row`'s scores.
    @inline(__always)
    private func addLeaf<C: TreeScalar>(_ leaf: Int, row: Int, targets: Int, aggregation: TreeAggregation,
                                        into scores: inout ForestScores<C>) {
        for weight in leafStarts[leaf]..<leafStarts[leaf + 1] {
            let slot = row * targets + weightTargets[weight]
            Self.fold(&scores.values[slot], &scores.has[slot], C(tree: weightValues[weight]), aggregation)
        }
    }

    private func inlineGeneral<C: TreeScalar>(_ rows: UnsafePointer<C>, count: Int, stride: Int, targets: Int, target: Int,
                                              aggregation: TreeAggregation, widened: Bool, into values: inout [C]) {
        nodes.withUnsafeBufferPointer { nodeBuffer in
            kinds.withUnsafeBufferPointer { kindBuffer in
                guard let nodes = nodeBuffer.baseAddress, let kinds = kindBuffer.baseAddress else { return }
                for row in 0..<count {
                    for tree in 0..<treeCount {
                        let leaf = leafPosition(root: roots[tree], row: rows + row * stride, nodes: nodes,
                                                kinds: kinds, widened: widened)
                        Self.fold(&values[row * targets + target], C(tree: nodes[leaf].value), first: tree == 0, aggregation)
                    }
                }
            }
        }
    }

    private func leavesGeneral<C: TreeScalar>(_ rows: UnsafePointer<C>, count: Int, stride: Int, targets: Int,
                                              aggregation: TreeAggregation, widened: Bool, into scores: inout ForestScores<C>) {
        nodes.withUnsafeBufferPointer { nodeBuffer in
            kinds.withUnsafeBufferPointer { kindBuffer in
                guard let nodes = nodeBuffer.baseAddress, let kinds = kindBuffer.baseAddress else { return }
                for row in 0..<count {
                    for tree in 0..<treeCount {
                        let leaf = leafPosition(root: roots[tree], row: rows + row * stride, nodes: nodes,
                                                kinds: kinds, widened: widened)
                        addLeaf(nodes[leaf].value.treeIndexBits, row: row, targets: targets,
                                aggregation: aggregation, into: &scores)
                    }
                }
            }
        }
    }
}

