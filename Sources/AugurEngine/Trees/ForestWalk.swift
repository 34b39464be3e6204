/// The two tree walks: a branch-free lockstep walk for forests whose branches are all `<=`,
/// and a general walk for every comparison.
///
/// Safety of the unchecked accesses, for every walk: positions start at a root and only move
/// to a child of the same tree (pre-order offsets written by the compiler) or stay on a leaf,
/// so they stay inside `nodes`; a branch's feature is at most `maxFeature`, which `run`
/// checked is below the row stride, and rows are only addressed below `count * stride`.
extension CompiledForest {
    /// Moves `count` lanes down `depth` levels together: lane `r` reads the row at
    /// `rows + r * stride` (a stride of 0 walks one row through several trees) and starts at
    /// `positions[r]`. Lanes that reach a leaf early stay on it (its link is 0), so no step
    /// needs a branch and the independent lanes keep the CPU's load units busy.
    @inline(__always)
    static func walkOrdered<C: TreeScalar>(
        _ nodes: UnsafePointer<FlatNode<S>>, depth: Int,
        rows: UnsafePointer<C>, stride: Int, count: Int, positions: UnsafeMutablePointer<Int>
    ) {
        for _ in 0..<depth {
            var row = rows
            for lane in 0..<count {
                let node = nodes[positions[lane]]
                let x = row[Int(node.feature)]
                let link = Int(node.link)
                // Branch-free: the child a row takes is data, not control flow, so rows going
                // different ways cost no mispredictions. (The NaN term also keeps LLVM from
                // turning the selection back into a branch.)
                let below = Int(unsafeBitCast(x <= C(tree: node.value), to: UInt8.self))
                let isNaN = Int(unsafeBitCast(x != x, to: UInt8.self))
                let next = below | (isNaN & (link &>> 1))
                let mask = 0 &- (next & 1)
                positions[lane] &+= (link & Int(FlatNode<S>.branchBit) & mask) | ((link &>> Int(FlatNode<S>.offsetShift)) & ~mask)
                row += stride
            }
        }
    }

    /// The position of the leaf that `row` reaches from `root`, evaluating any comparison.
    ///
    /// `widened` says the walk compares in a wider type than the forest stores, where a
    /// strict test must use the original threshold (`value.nextUp`) rather than `<= value`.
    @inline(__always)
    func leafPosition<C: TreeScalar>(
        root: Int, row: UnsafePointer<C>, nodes: UnsafePointer<FlatNode<S>>,
        kinds: UnsafePointer<FlatNodeKind>, widened: Bool
    ) -> Int {
        var position = root
        while true {
            // Terminates: every branch step moves forward within the tree (offsets > 0).
            let node = nodes[position]
            let link = Int(node.link)
            if link & Int(FlatNode<S>.branchBit) == 0 { return position }
            let next = takesNext(node, kinds[position], row[Int(node.feature)], widened: widened)
            position += next ? 1 : link >> Int(FlatNode<S>.offsetShift)
        }
    }

    /// Whether a row whose tested value is `x` goes to the branch's next child (right after
    /// it) rather than to its other child: the one test every walk that follows single rows
    /// makes (prediction, covers, explanations).
    @inline(__always)
    func takesNext<C: TreeScalar>(_ node: FlatNode<S>, _ kind: FlatNodeKind, _ x: C, widened: Bool) -> Bool {
        let link = Int(node.link)
        let test: Bool
        switch kind {
        case .ordered:
            let strict = widened && (link & Int(FlatNode<S>.strictBit)) != 0
            test = strict ? x < C(tree: node.value.nextUp) : x <= C(tree: node.value)
        case .equal: test = x == C(tree: node.value)
        case .notEqual: test = x != C(tree: node.value)
        case .member: test = memberSets[node.value.treeIndexBits].contains { C(tree: $0) == x }
        case .memberTruncated: test = Self.truncatedMember(x, of: truncatedSets[node.value.treeIndexBits])
        case .leaf: return false
        }
        return test || ((link & Int(FlatNode<S>.nanNextBit)) != 0 && x.isNaN)
    }

    /// Whether `x` truncated toward zero is in `sorted`; NaN and values outside the 32-bit
    /// range are never members.
    static func truncatedMember<C: TreeScalar>(_ x: C, of sorted: [Int64]) -> Bool {
        let truncated = x.rounded(.towardZero).treeDouble
        guard truncated >= -2_147_483_648, truncated <= 2_147_483_647 else { return false }
        let key = Int64(truncated)
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == key
    }
}
