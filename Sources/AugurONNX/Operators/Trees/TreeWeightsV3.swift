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
        return TreeLeafWeightsV3(positions: positions, targets: ids, values: weights)
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

/// Leaf weights by node position, attribute order kept within a node: the attribute lists
/// themselves, read in node order (directly when they are listed node by node, as converters
/// write them, else through a sorted index).
struct TreeLeafWeightsV3 {
    /// The node position of each weight, or -1 for a weight that is ignored.
    private let positions: [Int]
    /// Weight indices in node order, when the attribute order is not.
    private let order: [Int]?
    /// Checked to be in range.
    private let targets: [Int64]
    private let values: [Double]

    init(positions: [Int], targets: [Int64], values: [Double]) {
        self.positions = positions
        self.targets = targets
        self.values = values
        order = Self.inNodeOrder(positions) ? nil
            : positions.indices.filter { positions[$0] >= 0 }.sorted { (positions[$0], $0) < (positions[$1], $1) }
    }

    /// Weights in all (an upper bound of those used).
    var count: Int { positions.count }

    /// The next weight of node `position`, or nil when it has no more. Nodes must be asked
    /// for in increasing position, with `cursor` starting at 0.
    func next(of position: Int, cursor: inout Int) -> (target: Int, weight: Double)? {
        let total = order?.count ?? positions.count
        while cursor < total {
            let index = order?[cursor] ?? cursor
            // Only ignored weights (-1) lie behind the node asked for.
            guard positions[index] >= position else {
                cursor += 1
                continue
            }
            guard positions[index] == position else { return nil }
            cursor += 1
            return (Int(targets[index]), values[index])
        }
        return nil
    }

    private static func inNodeOrder(_ positions: [Int]) -> Bool {
        var last = -1
        for position in positions where position >= 0 {
            guard position >= last else { return false }
            last = position
        }
        return true
    }
}
