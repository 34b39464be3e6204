import Testing
@testable import augur_bench
@testable import AugurEngine

/// Trees given in flat arrays compile to the same forest as the same trees given as
/// `DecisionTree`s, with the same structure problems.
@Suite struct FlatTreesTests {
    typealias T = TreeTesting

    /// `trees` in flat form (roots moved first, as the flat form requires).
    static func flat<S: TreeScalar>(_ trees: [DecisionTree<S>]) throws -> FlatTrees<S> {
        var treeStarts = [0], weightStarts = [0]
        var branches: [TreeBranch<S>?] = []
        var weights: [TreeLeafWeight<S>] = []
        for tree in trees {
            // Swap the root with node 0 and renumber the children accordingly.
            let order = tree.nodes.isEmpty ? [] : [tree.root] + tree.nodes.indices.filter { $0 != tree.root }
            var slot = [Int](repeating: 0, count: tree.nodes.count)
            for (index, node) in order.enumerated() { slot[node] = index }
            func renumbered(_ child: Int) -> Int { tree.nodes.indices.contains(child) ? slot[child] : child }
            for node in order {
                switch tree.nodes[node] {
                case .branch(var branch):
                    branch.whenTrue = renumbered(branch.whenTrue)
                    branch.whenFalse = renumbered(branch.whenFalse)
                    branches.append(branch)
                case .leaf(let leafWeights):
                    branches.append(nil)
                    weights += leafWeights
                }
                weightStarts.append(weights.count)
            }
            treeStarts.append(branches.count)
        }
        return try FlatTrees(treeStarts: treeStarts, branches: branches, weightStarts: weightStarts, weights: weights)
    }

    @Test(arguments: [1, 7, 100])
    func randomForestsScoreAlike(rows: Int) throws {
        var random = SplitMix(testSeed: UInt64(rows) + 99)
        for round in 0..<12 {
            let targets = round % 3 == 0 ? 1 : 1 + Int(random.next() % 3)
            let trees = (0..<(1 + Int(random.next() % 20))).map { _ in
                RandomTree.make(&random, depth: Int(random.next() % 9), features: 4, targets: targets, general: round % 4 == 3)
            }
            let x = try Tensor(float32: (0..<(rows * 4)).map { _ in RandomTree.value(&random) }, shape: [rows, 4])
            let nested = try TreeEnsemble(TreeEnsembleModel(trees: trees, targetCount: targets), kind: .regressor)
            let flatModel = TreeEnsembleModel(flatTrees: try Self.flat(trees), targetCount: targets)
            let flat = try TreeEnsemble(flatModel, kind: .regressor)
            #expect(T.floats(try flat.run([.tensor(x)])[0]) == T.floats(try nested.run([.tensor(x)])[0]), "round \(round)")
            #expect(flat.stats == nested.stats)
        }
    }

    @Test func flatModelsStillShowTheirTrees() throws {
        let trees = [T.probeStump([T.w(0, 1)], [T.w(0, 2), T.w(0, 3)]), DecisionTree(nodes: [.leaf([])])]
        #expect(TreeEnsembleModel(flatTrees: try Self.flat(trees), targetCount: 1).trees == trees)
    }

    @Test func structureProblemsAreTheSame() throws {
        let leaf = TreeNode<Float>.leaf([T.w(0, 1)])
        func branch(_ t: Int, _ f: Int, feature: Int = 0) -> TreeNode<Float> {
            .branch(TreeBranch(feature: feature, comparison: .lessOrEqual(0), whenTrue: t, whenFalse: f))
        }
        let cases: [[DecisionTree<Float>]] = [
            [DecisionTree(nodes: [branch(1, 5), leaf])],
            [DecisionTree(nodes: [branch(1, 2), branch(2, 0), leaf])],
            [DecisionTree(nodes: [leaf]), DecisionTree(nodes: [branch(0, 1), leaf])],
            [DecisionTree(nodes: [branch(1, 2, feature: -1), leaf, leaf])],
            [DecisionTree(nodes: [])],
        ]
        for trees in cases {
            let nested = Result { try CompiledForest(TreeEnsembleModel(trees: trees, targetCount: 1)) }
            let flat = Result { try CompiledForest(TreeEnsembleModel(flatTrees: try Self.flat(trees), targetCount: 1)) }
            switch (nested, flat) {
            case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)")
            default: Issue.record("both should fail: \(trees)")
            }
        }
    }

    @Test func arraysThatDoNotFitAreRefused() {
        let leaf: TreeBranch<Float>? = nil
        #expect(throws: EngineError.self) { try FlatTrees(treeStarts: [0, 2], branches: [leaf], weightStarts: [0, 0], weights: []) }
        #expect(throws: EngineError.self) { try FlatTrees(treeStarts: [1, 1], branches: [leaf], weightStarts: [0, 0], weights: []) }
        #expect(throws: EngineError.self) { try FlatTrees(treeStarts: [0, 1], branches: [leaf], weightStarts: [0], weights: []) }
        #expect(throws: EngineError.self) {
            try FlatTrees(treeStarts: [0, 1], branches: [leaf], weightStarts: [0, 2], weights: [T.w(0, 1)])
        }
        #expect(throws: EngineError.self) {
            try FlatTrees(treeStarts: [0, 1, 0, 1], branches: [leaf], weightStarts: [0, 0], weights: [])
        }
        #expect((try? FlatTrees(treeStarts: [0, 1], branches: [leaf], weightStarts: [0, 1], weights: [T.w(0, 1)])) != nil)
    }
}
