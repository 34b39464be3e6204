/// Why a tree ensemble cannot be compiled, located by tree and node so that an importer can
/// name the attribute and ids its file used.
public struct TreeStructureProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The tree's root index is not one of its nodes.
        case rootOutOfRange
        /// A branch's child index is not one of the tree's nodes.
        case childOutOfRange(child: Int)
        /// A node is reached a second time: the tree has a cycle or a shared subtree.
        case reachedTwice
        /// A branch lies deeper than `limit` levels.
        case tooDeep(limit: Int)
        /// The tree has more than `limit` nodes.
        case tooLarge(limit: Int)
        /// A branch reads a negative or implausibly large feature index.
        case featureOutOfRange(feature: Int)
        /// A leaf weight names a target outside `0..<targetCount`.
        case targetOutOfRange(target: Int)
    }

    /// Index of the tree in the model.
    public let tree: Int
    /// Index of the node in its tree's `nodes`.
    public let node: Int
    /// For child problems, whether the offending link is the branch's true child.
    public let viaTrueChild: Bool
    public let kind: Kind

    public init(tree: Int, node: Int, viaTrueChild: Bool = true, kind: Kind) {
        self.tree = tree
        self.node = node
        self.viaTrueChild = viaTrueChild
        self.kind = kind
    }

    /// One sentence in domain terms, without the tree and node.
    public var summary: String {
        let side = viaTrueChild ? "true" : "false"
        switch kind {
        case .rootOutOfRange: return "the root is not a node of the tree."
        case .childOutOfRange(let child): return "its \(side) child '\(child)' is not a node of the tree."
        case .reachedTwice: return "it is reached twice through a \(side) child: the tree has a cycle or a shared subtree."
        case .tooDeep(let limit): return "it lies deeper than \(limit) levels."
        case .tooLarge(let limit): return "the tree has more than \(limit) nodes."
        case .featureOutOfRange(let feature): return "feature index '\(feature)' is out of range."
        case .targetOutOfRange(let target): return "target '\(target)' is out of range."
        }
    }

    public var description: String { "tree \(tree), node \(node): \(summary)" }

    /// The load error an engine-only caller gets.
    public var loadError: EngineError { EngineError(.invalidAttribute, description) }
}
