/// The `class_*` or `target_*` weight attributes.
struct TreeWeightsV3 {
    let prefix: String
    let treeIds: [Int64]
    let nodeIds: [Int64]
    let ids: [Int64]
    let weights: [Double]

    init(_ ctx: NodeContext, prefix: String) throws {
        self.prefix = prefix
        ids = try ctx.int64List("\(prefix)_ids")
        treeIds = try ctx.int64List("\(prefix)_treeids")
        nodeIds = try ctx.int64List("\(prefix)_nodeids")
        weights = try ctx.exclusiveDoubles("\(prefix)_weights")
        try ctx.expectCount("\(prefix)_treeids", treeIds, ids.count, like: "\(prefix)_ids")
        try ctx.expectCount("\(prefix)_nodeids", nodeIds, ids.count, like: "\(prefix)_ids")
        let weightName = ctx.has("\(prefix)_weights_as_tensor") ? "\(prefix)_weights_as_tensor" : "\(prefix)_weights"
        try ctx.expectCount(weightName, weights, ids.count, like: "\(prefix)_ids")
    }

    /// The weights of each node position, in attribute order. Weights on branches are
    /// ignored, as onnxruntime does for files from old converters.
    func perNode(_ nodes: TreeNodesV3, targetCount: Int, _ ctx: NodeContext, noun: String) throws -> TreeLeafWeightsV3 {
        let positions = try leafPositions(nodes, targetCount: targetCount, ctx, noun: noun)
        return TreeLeafWeightsV3(positions: positions, nodeCount: nodes.modes.count, targets: ids, values: weights)
    }

    /// The node position of each weight, or -1 for a weight on a branch.
    private func leafPositions(_ nodes: TreeNodesV3, targetCount: Int, _ ctx: NodeContext, noun: String) throws -> [Int] {
        var positions = [Int](repeating: -1, count: ids.count)
        var tree = 0
        for index in ids.indices {
            guard let position = nodes.index.position(tree: treeIds[index], node: nodeIds[index], hint: &tree) else {
                throw ctx.error("\(prefix)_nodeids",
                    "weight \(index) refers to node '\(nodeIds[index])' of tree '\(treeIds[index])', which does not exist.")
            }
            guard ids[index] >= 0, ids[index] < Int64(targetCount) else {
                throw ctx.error("\(prefix)_ids", "\(noun) index '\(ids[index])' is out of range for \(targetCount) \(noun == "class" ? "classes" : "targets").")
            }
            if nodes.modes[position] == .leaf { positions[index] = position }
        }
        return positions
    }
}

/// Leaf weights grouped by node position (attribute order kept within a node), in flat
/// arrays: node `p`'s weights are entries `starts[p] ..< starts[p + 1]`.
struct TreeLeafWeightsV3 {
    private(set) var starts: [Int]
    private(set) var targets: [Int] = []
    private(set) var values: [Double] = []

    /// Groups `targets[i]`, `values[i]` under node `positions[i]` (skipped when -1). Targets
    /// must be checked to be in range already.
    init(positions: [Int], nodeCount: Int, targets ids: [Int64], values weights: [Double]) {
        starts = [Int](repeating: 0, count: nodeCount + 1)
        for position in positions where position >= 0 { starts[position + 1] += 1 }
        for node in 0..<nodeCount { starts[node + 1] += starts[node] }
        let total = starts[nodeCount]
        if Self.inNodeOrder(positions) {
            // The usual order (weights listed node by node): append as they come.
            targets.reserveCapacity(total)
            values.reserveCapacity(total)
            for (index, position) in positions.enumerated() where position >= 0 {
                targets.append(Int(ids[index]))
                values.append(weights[index])
            }
            return
        }
        targets = [Int](repeating: 0, count: total)
        values = [Double](repeating: 0, count: total)
        var next = starts
        for (index, position) in positions.enumerated() where position >= 0 {
            targets[next[position]] = Int(ids[index])
            values[next[position]] = weights[index]
            next[position] += 1
        }
    }

    func range(of position: Int) -> Range<Int> { starts[position]..<starts[position + 1] }

    /// Weights in all.
    var count: Int { targets.count }

    private static func inNodeOrder(_ positions: [Int]) -> Bool {
        var last = -1
        for position in positions where position >= 0 {
            guard position >= last else { return false }
            last = position
        }
        return true
    }
}
