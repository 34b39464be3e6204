/// One node of the flat layout: 12 bytes for Float, 16 for Double.
///
/// Trees are laid out in pre-order with the "next" child stored right after its parent, so a
/// branch only records the offset of its other child. Branches are normalised so that the
/// next child is taken when `x <= value` (or when `x` is NaN and bit 1 of `link` is set).
struct FlatNode<S: TreeScalar>: Sendable {
    /// Threshold (branch), weight (inline leaf), or leaf / set index bits.
    var value: S
    /// Input column a branch reads; 0 for leaves, so a lockstep walk can read it harmlessly.
    var feature: Int32
    /// Bit 0: branch. Bit 1: NaN takes the next child. Bit 2: the comparison was strict and
    /// `value` is the threshold's `nextDown`. Bits 3...: offset from this node to its other child.
    /// A leaf's link is 0, so any walk step leaves a row that reached it where it is.
    var link: Int32

    static var branchBit: Int32 { 1 }
    static var nanNextBit: Int32 { 2 }
    static var strictBit: Int32 { 4 }
    static var offsetShift: Int32 { 3 }
    /// Largest offset a link can hold, which bounds the nodes of one tree.
    static var maxOffset: Int { Int(Int32.max >> offsetShift) }
}

/// How the general walk evaluates a node.
enum FlatNodeKind: UInt8, Sendable {
    case leaf, ordered, equal, notEqual, member, memberTruncated
}

/// A tree ensemble compiled into contiguous arrays for evaluation.
struct CompiledForest<S: TreeScalar>: Sendable {
    var nodes: [FlatNode<S>] = []
    /// Parallel to `nodes`.
    var kinds: [FlatNodeKind] = []
    /// Position of each tree's root in `nodes`.
    var roots: [Int] = []
    /// Branches on each tree's longest path: the steps a lockstep walk needs.
    var depths: [Int] = []
    /// Every branch is `ordered`, so the fast walk applies.
    var allOrdered = true
    /// Some ordered branch was strict (its `value` is a `nextDown`).
    var hasStrict = false
    /// Some branch sends NaN to its next child.
    var missingValues = false
    /// The same trees padded to complete binary trees, when that layout pays.
    var padded: PaddedForest<S>?
    var memberSets: [[S]] = []
    /// Sorted, for binary search.
    var truncatedSets: [[Int64]] = []
    /// Every leaf holds one weight for this target, stored in the leaf's `value`.
    var inlineTarget: Int?
    /// Leaf `i`'s weights are `weightTargets[j]`, `weightValues[j]` for `j` in
    /// `leafStarts[i]..<leafStarts[i + 1]` (leaves that are not inline).
    var leafStarts: [Int] = [0]
    var weightTargets: [Int] = []
    var weightValues: [S] = []
    var leafCount = 0
    /// The largest feature index a branch reads, or -1.
    var maxFeature = -1

    var treeCount: Int { roots.count }
    var maxDepth: Int { depths.max() ?? 0 }
}
