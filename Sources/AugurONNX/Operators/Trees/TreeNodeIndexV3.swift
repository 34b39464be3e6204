/// The trees of a TreeEnsembleClassifier or TreeEnsembleRegressor (opsets 1 and 3) and the
/// position of each (tree id, node id) in the `nodes_*` attributes.
///
/// skl2onnx and onnxmltools number each tree's nodes 0 ..< n, so a node is found by indexing
/// (`slots`); files with sparse or repeated node ids use a dictionary, which is also what
/// reports their problems. Either way a tree id must not come back after another tree.
struct TreeNodeIndexV3 {
    struct Key: Hashable {
        var tree: Int64
        var node: Int64
    }

    /// Each tree's id and the positions of its nodes: a run of consecutive entries.
    private(set) var trees: [(id: Int64, positions: Range<Int>)] = []
    /// Tree id → index in `trees`.
    private var treeOf: [Int64: Int] = [:]
    /// Dense ids: node `id` of the tree whose positions start at `s` is at `slots[s + id]`, or
    /// at `s + id` itself when `slots` is nil (every tree lists its ids in order).
    private var slots: [Int]?
    /// Sparse ids: every (tree, node) pair's position; nil when the ids are dense.
    private var hashed: [Key: Int]?

    init(treeIds: [Int64], nodeIds: [Int64], _ ctx: NodeContext) throws {
        if findRuns(treeIds), let slots = Self.denseSlots(trees, nodeIds) {
            self.slots = slots.identity ? nil : slots.table
            return
        }
        trees = []
        treeOf = [:]
        try hashAll(treeIds, nodeIds, ctx)
    }

    /// Splits the entries into runs of one tree id; false when a tree id comes back.
    private mutating func findRuns(_ treeIds: [Int64]) -> Bool {
        var start = 0
        while start < treeIds.count {
            let id = treeIds[start]
            var end = start + 1
            while end < treeIds.count, treeIds[end] == id { end += 1 }
            guard treeOf.updateValue(trees.count, forKey: id) == nil else { return false }
            trees.append((id, start..<end))
            start = end
        }
        return true
    }

    /// When every tree's node ids are a permutation of 0 ..< its node count: whether they are
    /// all in order, else the slot table. Nil for any other numbering.
    private static func denseSlots(_ trees: [(id: Int64, positions: Range<Int>)],
                                   _ nodeIds: [Int64]) -> (identity: Bool, table: [Int])? {
        let inOrder = trees.allSatisfy { tree in
            tree.positions.allSatisfy { nodeIds[$0] == Int64($0 - tree.positions.lowerBound) }
        }
        if inOrder { return (true, []) }
        var table = [Int](repeating: -1, count: nodeIds.count)
        for (_, positions) in trees {
            for position in positions {
                let id = nodeIds[position]
                guard id >= 0, id < Int64(positions.count) else { return nil }
                let slot = positions.lowerBound + Int(id)
                guard table[slot] < 0 else { return nil }
                table[slot] = position
            }
        }
        return (false, table)
    }

    /// The general path: every pair hashed, duplicates and split trees reported.
    private mutating func hashAll(_ treeIds: [Int64], _ nodeIds: [Int64], _ ctx: NodeContext) throws {
        var positions: [Key: Int] = [:]
        positions.reserveCapacity(treeIds.count)
        var start = 0
        for position in treeIds.indices {
            let key = Key(tree: treeIds[position], node: nodeIds[position])
            guard positions[key] == nil else {
                throw ctx.error("nodes_nodeids", "node '\(key.node)' appears twice in tree '\(key.tree)'.")
            }
            positions[key] = position
            let last = position + 1 == treeIds.count
            if last || treeIds[position + 1] != treeIds[position] {
                guard treeOf.updateValue(trees.count, forKey: treeIds[position]) == nil else {
                    throw ctx.error("nodes_treeids", "the nodes of tree '\(treeIds[position])' are not listed together (again at position \(start)).")
                }
                trees.append((treeIds[position], start..<(position + 1)))
                start = position + 1
            }
        }
        hashed = positions
    }

    /// The position of node `id` of `trees[tree]`, if the tree has it.
    @inline(__always)
    func position(inTree tree: Int, node id: Int64) -> Int? {
        let range = trees[tree].positions
        if let hashed { return hashed[Key(tree: trees[tree].id, node: id)] }
        guard id >= 0, id < Int64(range.count) else { return nil }
        let slot = range.lowerBound + Int(id)
        return slots?[slot] ?? slot
    }

    /// The position of node `node` of the tree with id `tree`. `hint` (an index into `trees`)
    /// saves the tree lookup when consecutive calls name the same tree.
    func position(tree: Int64, node: Int64, hint: inout Int) -> Int? {
        if !trees.indices.contains(hint) || trees[hint].id != tree {
            guard let index = treeOf[tree] else { return nil }
            hint = index
        }
        return position(inTree: hint, node: node)
    }
}
