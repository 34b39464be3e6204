/// One branch of a padded tree: 8 bytes for Float.
struct PaddedNode<S: TreeScalar>: Sendable {
    /// The normalised `<=` threshold (as in `FlatNode`).
    var value: S
    /// Input column in the low 31 bits; bit 31 set when NaN takes the left (next) child.
    var feature: UInt32
}

/// The forest with every tree padded to a complete binary tree of its own depth and stored
/// heap-style: node `i`'s children are `2i + 1` (test true) and `2i + 2`, so a step is
/// `i = 2i + 2 - test` with no offsets or leaf checks. A leaf above the bottom level is copied
/// into every bottom slot under it; the padding branches below it test anything.
///
/// Used for shallow, nearly complete forests (boosting, small random forests), where padding
/// costs little memory and the step is half the work of the flat walk.
struct PaddedForest<S: TreeScalar>: Sendable {
    var nodes: [PaddedNode<S>] = []
    /// Each tree's bottom level: the `value` of the flat leaf reached (inline weight or leaf
    /// index bits, as in `CompiledForest`).
    var leaves: [S] = []
    var nodeBases: [Int] = []
    var leafBases: [Int] = []

    /// Deepest tree padded.
    static var depthLimit: Int { 14 }

    /// The padded form of `flat`, or nil when it would not pay: some branch is not ordered,
    /// a tree is deeper than `depthLimit`, or padding would more than quadruple the nodes.
    init?(_ flat: CompiledForest<S>) {
        guard flat.allOrdered, flat.maxDepth <= Self.depthLimit else { return nil }
        let slots = flat.depths.reduce(0) { $0 + (1 << $1) }
        guard slots <= 4 * flat.nodes.count + 1024 else { return nil }
        nodes = [PaddedNode](repeating: PaddedNode(value: 0, feature: 0), count: slots - flat.treeCount)
        leaves = [S](repeating: 0, count: slots)
        var nodeBase = 0
        var leafBase = 0
        for tree in 0..<flat.treeCount {
            nodeBases.append(nodeBase)
            leafBases.append(leafBase)
            fill(tree: tree, of: flat, nodeBase: nodeBase, leafBase: leafBase)
            nodeBase += (1 << flat.depths[tree]) - 1
            leafBase += 1 << flat.depths[tree]
        }
    }

    /// Copies one flat tree into its heap slots, iteratively.
    private mutating func fill(tree: Int, of flat: CompiledForest<S>, nodeBase: Int, leafBase: Int) {
        let depth = flat.depths[tree]
        var stack = [(flat: flat.roots[tree], heap: 0, level: 0)]
        while let (position, heap, level) = stack.popLast() {
            let node = flat.nodes[position]
            let link = Int(node.link)
            guard link & Int(FlatNode<S>.branchBit) != 0 else {
                // The bottom-level slots under `heap` are contiguous: its leftmost descendant
                // and the 2^(depth - level) slots after it.
                let span = 1 << (depth - level)
                let first = ((heap + 1) << (depth - level)) - 1 - ((1 << depth) - 1)
                for slot in first..<(first + span) { leaves[leafBase + slot] = node.value }
                continue
            }
            let nanLeft: UInt32 = link & Int(FlatNode<S>.nanNextBit) != 0 ? 1 << 31 : 0
            nodes[nodeBase + heap] = PaddedNode(value: node.value, feature: UInt32(node.feature) | nanLeft)
            stack.append((position + (link >> Int(FlatNode<S>.offsetShift)), 2 * heap + 2, level + 1))
            stack.append((position + 1, 2 * heap + 1, level + 1))
        }
    }

    /// Walks `count` rows from the root of a tree of depth `depth` whose nodes start at
    /// `nodes`; leaves `positions[lane]` at the row's bottom-level slot (0 ..< 2^depth).
    ///
    /// Safe: after `k` steps a position is below `2^(k+1) - 1`, so node reads stay within the
    /// tree's `2^depth - 1` nodes; features are at most the forest's `maxFeature`, which `run`
    /// checked against the row stride.
    @inline(__always)
    static func walk<C: TreeScalar>(
        _ nodes: UnsafePointer<PaddedNode<S>>, depth: Int, missingValues: Bool,
        rows: UnsafePointer<C>, stride: Int, count: Int, positions: UnsafeMutablePointer<Int>
    ) {
        for lane in 0..<count { positions[lane] = 0 }
        for _ in 0..<depth {
            var row = rows
            for lane in 0..<count {
                let heap = positions[lane]
                let node = nodes[heap]
                let x = row[Int(node.feature & 0x7fff_ffff)]
                var left = Int(unsafeBitCast(x <= C(tree: node.value), to: UInt8.self))
                if missingValues {
                    left |= Int(unsafeBitCast(x != x, to: UInt8.self)) & Int(node.feature >> 31)
                }
                positions[lane] = 2 &* heap &+ 2 &- left
                row += stride
            }
        }
        let bottom = (1 << depth) - 1
        for lane in 0..<count { positions[lane] &-= bottom }
    }
}
