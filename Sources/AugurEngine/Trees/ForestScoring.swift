/// Raw per-target scores of a batch, before base values and transforms.
struct ForestScores<C: TreeScalar> {
    /// Row-major `rows × targets`.
    var values: [C]
    /// Whether any tree gave the (row, target) a weight (onnxruntime's `has_score`).
    var has: [Bool]
}

/// Rows walked together in the lockstep walk.
let forestLaneCount = 16
/// Rows that go through one tree before the next tree (keeps a tree hot in cache).
let forestBatchRows = 128

extension CompiledForest {
    /// Accumulates every tree's leaf weights for `count` rows of `stride` values each.
    ///
    /// Per row, trees are visited in model order and a leaf's weights in their order, so sums
    /// round exactly as onnxruntime's do.
    func scores<C: TreeScalar>(rows: UnsafeBufferPointer<C>, count: Int, stride: Int, targets: Int,
                               aggregation: TreeAggregation) -> ForestScores<C> {
        var scores = ForestScores<C>(values: [C](repeating: 0, count: count * targets),
                                     has: [Bool](repeating: false, count: count * targets))
        guard count > 0, let base = rows.baseAddress else { return scores }
        let widened = C.elementType != S.elementType
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

    /// Calls `body(tree, firstRow, lanes, positions)` after a lockstep walk of every group of
    /// rows through every tree, batch by batch.
    @inline(__always)
    private func walkBatches<C: TreeScalar>(
        _ rows: UnsafePointer<C>, count: Int, stride: Int,
        _ body: (Int, Int, Int, UnsafeMutablePointer<Int>, UnsafePointer<FlatNode<S>>) -> Void
    ) {
        nodes.withUnsafeBufferPointer { nodeBuffer in
            guard let nodePointer = nodeBuffer.baseAddress else { return }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: forestLaneCount) { positionBuffer in
                guard let positions = positionBuffer.baseAddress else { return }
                for batch in Swift.stride(from: 0, to: count, by: forestBatchRows) {
                    let batchEnd = Swift.min(count, batch + forestBatchRows)
                    for tree in 0..<treeCount {
                        let root = roots[tree]
                        let depth = depths[tree]
                        for first in Swift.stride(from: batch, to: batchEnd, by: forestLaneCount) {
                            let lanes = Swift.min(forestLaneCount, batchEnd - first)
                            Self.walkOrdered(nodePointer, root: root, depth: depth, rows: rows + first * stride,
                                             stride: stride, count: lanes, positions: positions)
                            body(tree, first, lanes, positions, nodePointer)
                        }
                    }
                }
            }
        }
    }

    private func inlineFast<C: TreeScalar>(_ rows: UnsafePointer<C>, count: Int, stride: Int, targets: Int, target: Int,
                                           aggregation: TreeAggregation, into values: inout [C]) {
        values.withUnsafeMutableBufferPointer { out in
            guard let scores = out.baseAddress else { return }
            walkBatches(rows, count: count, stride: stride) { tree, first, lanes, positions, nodes in
                for lane in 0..<lanes {
                    let leaf = C(tree: nodes[positions[lane]].value)
                    Self.fold(&scores[(first + lane) * targets + target], leaf, first: tree == 0, aggregation)
                }
            }
        }
    }

    private func leavesFast<C: TreeScalar>(_ rows: UnsafePointer<C>, count: Int, stride: Int, targets: Int,
                                           aggregation: TreeAggregation, into scores: inout ForestScores<C>) {
        walkBatches(rows, count: count, stride: stride) { _, first, lanes, positions, nodes in
            for lane in 0..<lanes {
                addLeaf(nodes[positions[lane]].value.indexBits, row: first + lane, targets: targets,
                        aggregation: aggregation, into: &scores)
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
                        addLeaf(nodes[leaf].value.indexBits, row: row, targets: targets,
                                aggregation: aggregation, into: &scores)
                    }
                }
            }
        }
    }
}
