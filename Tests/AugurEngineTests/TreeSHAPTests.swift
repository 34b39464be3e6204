import Testing
@testable import AugurEngine

/// TreeSHAP against its definition: Shapley values of the path-dependent value function
/// `v(S) = E[f(x) | x_S]` (the paper's Algorithm 1, EXPVALUE), summed over every subset by
/// brute force, on random trees that split on the same feature several times along a path.
struct TreeSHAPTests {
    typealias Tree = DecisionTree<Float>

    /// A random tree of `depth` levels over `features` features, thresholds in 0...1, leaves
    /// with one weight per target.
    static func randomTree(depth: Int, features: Int, targets: Int, _ random: inout SplitMix64) -> Tree {
        var nodes: [TreeNode<Float>] = []
        func grow(_ level: Int) -> Int {
            let index = nodes.count
            if level == depth || (level > 1 && Double.random(in: 0..<1, using: &random) < 0.2) {
                nodes.append(.leaf((0..<targets).map { TreeLeafWeight(target: $0, weight: Float(Double.random(in: 0..<1, using: &random) * 4 - 2)) }))
                return index
            }
            nodes.append(.leaf([]))
            let feature = Int(random.next() % UInt64(features))
            let threshold = Float(Double.random(in: 0..<1, using: &random))
            let missingGoesTrue = random.next() % 2 == 0
            let whenTrue = grow(level + 1)
            let whenFalse = grow(level + 1)
            nodes[index] = .branch(TreeBranch(feature: feature, comparison: .lessOrEqual(threshold), missingGoesTrue: missingGoesTrue,
                                              whenTrue: whenTrue, whenFalse: whenFalse))
            return index
        }
        _ = grow(0)
        return Tree(nodes: nodes)
    }

    static func goesTrue(_ branch: TreeBranch<Float>, _ x: [Float]) -> Bool {
        let v = x[branch.feature]
        if v.isNaN { return branch.missingGoesTrue }
        guard case .lessOrEqual(let t) = branch.comparison else { return false }
        return v <= t
    }

    /// Covers counted on `data` over the nested tree (independently of the compiled layout).
    static func covers(_ tree: Tree, _ data: [[Float]]) -> [Double] {
        var covers = [Double](repeating: 0, count: tree.nodes.count)
        for x in data {
            var node = tree.root
            while true {
                covers[node] += 1
                guard case .branch(let b) = tree.nodes[node] else { break }
                node = goesTrue(b, x) ? b.whenTrue : b.whenFalse
            }
        }
        return covers
    }

    /// EXPVALUE: the tree's expected output for `target` when the features in `known` are
    /// fixed to `x` and the others follow the covers.
    static func expectedValue(_ tree: Tree, _ covers: [Double], _ x: [Float], _ known: Set<Int>, target: Int, node: Int? = nil) -> Double {
        let node = node ?? tree.root
        switch tree.nodes[node] {
        case .leaf(let weights):
            return weights.filter { $0.target == target }.reduce(0) { $0 + Double($1.weight) }
        case .branch(let b):
            if known.contains(b.feature) {
                return expectedValue(tree, covers, x, known, target: target, node: goesTrue(b, x) ? b.whenTrue : b.whenFalse)
            }
            let total = covers[node]
            let (t, f) = total > 0 ? (covers[b.whenTrue] / total, covers[b.whenFalse] / total) : (0.5, 0.5)
            return t * expectedValue(tree, covers, x, known, target: target, node: b.whenTrue)
                + f * expectedValue(tree, covers, x, known, target: target, node: b.whenFalse)
        }
    }

    static func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }

    /// Shapley values by enumerating every subset of the other features.
    static func bruteForce(_ trees: [Tree], _ covers: [[Double]], _ x: [Float], features: Int, target: Int) -> [Double] {
        func value(_ known: Set<Int>) -> Double {
            zip(trees, covers).reduce(0) { $0 + expectedValue($1.0, $1.1, x, known, target: target) }
        }
        return (0..<features).map { i in
            let others = (0..<features).filter { $0 != i }
            var phi = 0.0
            for mask in 0..<(1 << others.count) {
                let subset = Set(others.indices.filter { mask & (1 << $0) != 0 }.map { others[$0] })
                let weight = factorial(subset.count) * factorial(features - subset.count - 1) / factorial(features)
                phi += weight * (value(subset.union([i])) - value(subset))
            }
            return phi
        }
    }

    static func data(_ rows: Int, _ features: Int, _ random: inout SplitMix64, missing: Bool = false) -> [[Float]] {
        (0..<rows).map { _ in
            (0..<features).map { _ in missing && Double.random(in: 0..<1, using: &random) < 0.1 ? Float.nan : Float(Double.random(in: 0..<1, using: &random)) }
        }
    }

    static func covers(of ensemble: TreeEnsemble, _ data: [[Float]]) throws -> [Double] {
        var covers = [Double](repeating: 0, count: ensemble.nodeCount)
        try ensemble.countVisits(try Tensor(float32: data.flatMap { $0 }, shape: [data.count, data[0].count]), into: &covers)
        return covers
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func matchesShapleyValuesByEnumeration(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let features = 4, targets = 2
        let trees = (0..<3).map { _ in Self.randomTree(depth: 5, features: features, targets: targets, &random) }
        let reference = Self.data(60, features, &random, missing: seed % 2 == 0)
        let ensemble = try TreeTesting.regressor(trees, targets: targets)
        let explainer = try TreeExplainer(ensemble, covers: try Self.covers(of: ensemble, reference))
        let rows = Self.data(5, features, &random, missing: true)
        let result = try explainer.explain(try Tensor(float32: rows.flatMap { $0 }, shape: [rows.count, features]))
        let nestedCovers = trees.map { Self.covers($0, reference) }
        for (r, x) in rows.enumerated() {
            for target in 0..<targets {
                let expected = Self.bruteForce(trees, nestedCovers, x, features: features, target: target)
                for feature in 0..<features {
                    let got = result.contribution(row: r, target: target, feature: feature)
                    #expect(abs(got - expected[feature]) <= 1e-9 * max(1, abs(expected[feature])),
                            "row \(r) target \(target) feature \(feature): \(got) vs \(expected[feature])")
                }
                let base = zip(trees, nestedCovers).reduce(0) { $0 + Self.expectedValue($1.0, $1.1, x, [], target: target) }
                #expect(abs(result.baseValues[target] - base) <= 1e-9)
            }
        }
    }

    /// base + Σ contributions is the score the ensemble computes, for sums and averages with
    /// base values, on rows the reference never reached (zero covers split evenly).
    @Test(arguments: [TreeAggregation.sum, .average])
    func contributionsAddUpToTheScore(aggregation: TreeAggregation) throws {
        var random = SplitMix64(seed: 42)
        let trees = (0..<20).map { _ in Self.randomTree(depth: 8, features: 6, targets: 1, &random) }
        let ensemble = try TreeTesting.regressor(trees, aggregation: aggregation, base: [0.75])
        // Reference rows in half the space only, so some nodes have no cover.
        let reference = Self.data(200, 6, &random).map { $0.map { $0 / 2 } }
        let explainer = try TreeExplainer(ensemble, covers: try Self.covers(of: ensemble, reference))
        let rows = Self.data(50, 6, &random, missing: true)
        let x = try Tensor(float32: rows.flatMap { $0 }, shape: [rows.count, 6])
        let scores = TreeTesting.floats(try ensemble.run([.tensor(x)])[0])
        let result = try explainer.explain(x)
        for r in 0..<rows.count {
            #expect(abs(result.output(row: r, target: 0) - Double(scores[r])) <= 1e-5 * max(1, abs(Double(scores[r]))))
        }
    }

    /// No rows: nothing counted, nothing explained, no trap.
    @Test func emptyInputsAreHarmless() throws {
        var random = SplitMix64(seed: 3)
        let ensemble = try TreeTesting.regressor([Self.randomTree(depth: 3, features: 2, targets: 1, &random)])
        var covers = [Double](repeating: 0, count: ensemble.nodeCount)
        try ensemble.countVisits(try Tensor(float32: [], shape: [0, 2]), into: &covers)
        #expect(covers.allSatisfy { $0 == 0 })
        let explainer = try TreeExplainer(ensemble, covers: covers)
        #expect(try explainer.explain(try Tensor(float32: [], shape: [0, 2])).rows == 0)
    }

    @Test func refusesWhatIsNotAdditive() throws {
        var random = SplitMix64(seed: 7)
        let trees = [Self.randomTree(depth: 3, features: 2, targets: 1, &random)]
        let ensemble = try TreeTesting.regressor(trees, aggregation: .maximum)
        #expect(throws: EngineError.self) { try TreeExplainer(ensemble, covers: [Double](repeating: 1, count: ensemble.nodeCount)) }
        let sum = try TreeTesting.regressor(trees)
        #expect(throws: EngineError.self) { try TreeExplainer(sum, covers: [1, 2]) }
        #expect(throws: EngineError.self) { try TreeExplainer(sum, covers: [Double](repeating: -1, count: sum.nodeCount)) }
    }
}
