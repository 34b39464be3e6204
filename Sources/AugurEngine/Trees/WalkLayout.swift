/// Borrowed pointers into a compiled forest's arrays for the duration of one batch, so the
/// per-tree walk does no reference counting.
struct WalkLayout<S: TreeScalar> {
    let flat: UnsafeBufferPointer<FlatNode<S>>
    let roots: UnsafeBufferPointer<Int>
    let depths: UnsafeBufferPointer<Int>
    let missingValues: Bool
    var paddedNodes: UnsafeBufferPointer<PaddedNode<S>>? = nil
    var leaves: UnsafeBufferPointer<S>? = nil
    var nodeBases: UnsafeBufferPointer<Int>? = nil
    var leafBases: UnsafeBufferPointer<Int>? = nil

    /// Walks `lanes` rows through `tree` with the padded layout when there is one, else the
    /// flat one, and stores the value of each row's leaf in `values`.
    @inline(__always)
    func walk<C: TreeScalar>(tree: Int, _ rows: UnsafePointer<C>, stride: Int, lanes: Int,
                             positions: UnsafeMutablePointer<Int>, values: UnsafeMutablePointer<S>) {
        if let paddedNodes, let leaves, let nodeBases, let leafBases,
           let nodeStart = paddedNodes.baseAddress, let leafStart = leaves.baseAddress {
            let treeNodes = nodeStart + nodeBases[tree]
            if missingValues {
                PaddedForest<S>.walk(treeNodes, depth: depths[tree], missingValues: true, rows: rows,
                                     stride: stride, count: lanes, positions: positions)
            } else {
                PaddedForest<S>.walk(treeNodes, depth: depths[tree], missingValues: false, rows: rows,
                                     stride: stride, count: lanes, positions: positions)
            }
            // Bottom slots are below 2^depth, the tree's slot count in `leaves`.
            let treeLeaves = leafStart + leafBases[tree]
            for lane in 0..<lanes { values[lane] = treeLeaves[positions[lane]] }
            return
        }
        guard let nodes = flat.baseAddress else { return }
        for lane in 0..<lanes { positions[lane] = roots[tree] }
        CompiledForest<S>.walkOrdered(nodes, depth: depths[tree], rows: rows, stride: stride,
                                      count: lanes, positions: positions)
        for lane in 0..<lanes { values[lane] = nodes[positions[lane]].value }
    }

    /// Walks one row through trees `firstTree ..< firstTree + lanes` together (lane `l` takes
    /// tree `firstTree + l`) with the flat layout, where leaves hold lanes that finish early.
    @inline(__always)
    func walkTrees<C: TreeScalar>(_ firstTree: Int, lanes: Int, row: UnsafePointer<C>,
                                  positions: UnsafeMutablePointer<Int>, values: UnsafeMutablePointer<S>) {
        guard let nodes = flat.baseAddress else { return }
        var depth = 0
        for lane in 0..<lanes {
            positions[lane] = roots[firstTree + lane]
            depth = Swift.max(depth, depths[firstTree + lane])
        }
        CompiledForest<S>.walkOrdered(nodes, depth: depth, rows: row, stride: 0, count: lanes, positions: positions)
        for lane in 0..<lanes { values[lane] = nodes[positions[lane]].value }
    }
}
