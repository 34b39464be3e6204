import Testing
@testable import AugurEngine
@testable import AugurONNX

/// TreeEnsembleRegressor files whose node ids are in order (indexed directly), permuted or
/// sparse (looked up), and whose weights come in any order, all score the same.
@Suite struct TreeLoadV3NumberingTests {
    typealias S = TreeLoadSupport

    /// One node: tree, id, mode, feature, threshold, true and false child ids.
    struct Node {
        var tree: Int64, id: Int64, mode: String, feature: Int64 = 0, value: Float = 0, yes: Int64 = 0, no: Int64 = 0
    }

    /// Tree 0: x0 <= 0.5 ? (x1 <= 0.5 ? 1 : 2) : 3 on targets 0 and 1; tree 1: x1 <= 0.25 ? 10 : 20.
    static let nodes = [
        Node(tree: 0, id: 0, mode: "BRANCH_LEQ", feature: 0, value: 0.5, yes: 1, no: 2),
        Node(tree: 0, id: 1, mode: "BRANCH_LEQ", feature: 1, value: 0.5, yes: 3, no: 4),
        Node(tree: 0, id: 2, mode: "LEAF"),
        Node(tree: 0, id: 3, mode: "LEAF"),
        Node(tree: 0, id: 4, mode: "LEAF"),
        Node(tree: 1, id: 0, mode: "BRANCH_LT", feature: 1, value: 0.25, yes: 1, no: 2),
        Node(tree: 1, id: 1, mode: "LEAF"),
        Node(tree: 1, id: 2, mode: "LEAF"),
    ]
    /// (tree, node, target, weight); a weight on a branch is ignored.
    static let weights: [(Int64, Int64, Int64, Float)] = [
        (0, 2, 0, 3), (0, 3, 0, 1), (0, 3, 1, -1), (0, 4, 0, 2), (1, 1, 1, 10), (1, 2, 0, 20), (1, 2, 1, 5), (0, 1, 0, 99),
    ]
    static let rows: [[Float]] = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.25], [.nan, 0.3]]

    static func scores(_ nodes: [Node], _ weights: [(Int64, Int64, Int64, Float)]) throws -> [Float] {
        let attributes: [String: S.Attribute] = [
            "n_targets": .int(2),
            "nodes_treeids": .ints(nodes.map(\.tree)), "nodes_nodeids": .ints(nodes.map(\.id)),
            "nodes_modes": .strings(nodes.map(\.mode)), "nodes_featureids": .ints(nodes.map(\.feature)),
            "nodes_values": .floats(nodes.map(\.value)),
            "nodes_truenodeids": .ints(nodes.map(\.yes)), "nodes_falsenodeids": .ints(nodes.map(\.no)),
            "target_treeids": .ints(weights.map(\.0)), "target_nodeids": .ints(weights.map(\.1)),
            "target_ids": .ints(weights.map(\.2)), "target_weights": .floats(weights.map(\.3)),
        ]
        let model = try S.load(S.node("TreeEnsembleRegressor", outputs: ["Y"], attributes), opset: 3)
        guard case .tensor(let y) = try S.run(model, rows)["Y"], case .float32(let values) = y.storage else { return [] }
        return values
    }

    /// `nodes` with ids renamed by `rename` (roots stay first in their tree).
    static func renumbered(_ rename: (Int64, Int64) -> Int64) -> (nodes: [Node], weights: [(Int64, Int64, Int64, Float)]) {
        let nodes = nodes.map { n in
            Node(tree: n.tree, id: rename(n.tree, n.id), mode: n.mode, feature: n.feature, value: n.value,
                 yes: rename(n.tree, n.yes), no: rename(n.tree, n.no))
        }
        return (nodes, weights.map { ($0.0, rename($0.0, $0.1), $0.2, $0.3) })
    }

    @Test func numberingAndOrderDoNotChangeScores() throws {
        let expected = try Self.scores(Self.nodes, Self.weights)
        #expect(expected == [1, 9, 22, 5, 3, 10, 23, 5, 21, 4, 23, 5])
        // Permuted: node ids of tree 0 listed out of order (its root first).
        let permuted = [0, 3, 1, 4, 2, 5, 7, 6].map { Self.nodes[$0] }
        #expect(try Self.scores(permuted, Self.weights) == expected)
        // Sparse: ids 7, 17, 27, …
        let sparse = Self.renumbered { _, id in id * 10 + 7 }
        #expect(try Self.scores(sparse.nodes, sparse.weights) == expected)
        // Ids dense in tree 1 only.
        let mixed = Self.renumbered { tree, id in tree == 0 ? 100 - id : id }
        #expect(try Self.scores(mixed.nodes, mixed.weights) == expected)
        // Weights listed backwards and shuffled.
        #expect(try Self.scores(Self.nodes, Self.weights.reversed()) == expected)
        #expect(try Self.scores(Self.nodes, [4, 0, 7, 2, 6, 1, 3, 5].map { Self.weights[$0] }) == expected)
    }

    @Test func sparseIdsReportTheSameProblems() throws {
        var duplicate = Self.renumbered { _, id in id * 10 }
        duplicate.nodes[4].id = 30
        #expect(throws: EngineError.self) { try Self.scores(duplicate.nodes, duplicate.weights) }
        let error = TreeLoadV3Tests.regressorError(["nodes_nodeids": .ints([0, 50, 50])])
        #expect(error?.message == "attribute 'nodes_nodeids': node '50' appears twice in tree '0'.")
        let dangling = TreeLoadV3Tests.regressorError([
            "nodes_nodeids": .ints([0, 10, 20]), "nodes_truenodeids": .ints([10, 0, 0]), "nodes_falsenodeids": .ints([2, 0, 0]),
            "target_nodeids": .ints([10, 20]),
        ])
        #expect(dangling?.message == "attribute 'nodes_falsenodeids': node '0' of tree '0' points to node '2', which is not in the tree.")
        let weight = TreeLoadV3Tests.regressorError(["target_treeids": .ints([0, 3])])
        #expect(weight?.message == "attribute 'target_nodeids': weight 1 refers to node '2' of tree '3', which does not exist.")
    }
}
