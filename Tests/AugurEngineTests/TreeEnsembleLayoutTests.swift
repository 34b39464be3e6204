import Testing
@testable import augur_bench
@testable import AugurEngine

/// Compilation checks (structure errors, limits, stats) and agreement of every walk and
/// layout with a plain tree-by-tree evaluation on random forests.
@Suite struct TreeEnsembleLayoutTests {
    typealias T = TreeTesting

    func problem<S: TreeScalar>(_ trees: [DecisionTree<S>], targets: Int = 1) -> TreeStructureProblem? {
        do {
            _ = try CompiledForest(TreeEnsembleModel(trees: trees, targetCount: targets))
            return nil
        } catch {
            return error
        }
    }

    @Test func structureProblemsAreLocated() {
        let leaf = TreeNode<Float>.leaf([T.w(0, 1)])
        func branch(_ t: Int, _ f: Int, feature: Int = 0) -> TreeNode<Float> {
            .branch(TreeBranch(feature: feature, comparison: .lessOrEqual(0), whenTrue: t, whenFalse: f))
        }
        #expect(problem([DecisionTree(nodes: [leaf], root: 3)])?.kind == .rootOutOfRange)
        #expect(problem([DecisionTree(nodes: [branch(1, 5), leaf])])
                == TreeStructureProblem(tree: 0, node: 0, viaTrueChild: false, kind: .childOutOfRange(child: 5)))
        // node 1's false child goes back to the root.
        #expect(problem([DecisionTree(nodes: [branch(1, 2), branch(2, 0), leaf])])?.kind == .reachedTwice)
        #expect(problem([DecisionTree(nodes: [branch(0, 1), leaf])])?.kind == .reachedTwice)
        #expect(problem([DecisionTree(nodes: [branch(1, 2, feature: -1), leaf, leaf])])?.kind == .featureOutOfRange(feature: -1))
        #expect(problem([DecisionTree(nodes: [leaf])], targets: 0)?.kind == .targetOutOfRange(target: 0))
    }

    @Test func deepTreesAreRefusedWithoutRecursion() {
        // A chain deeper than the limit: each branch's false side is its own leaf.
        let depth = treeDepthLimit + 5
        var nodes: [TreeNode<Float>] = []
        for level in 0..<depth {
            nodes.append(.branch(TreeBranch(feature: 0, comparison: .lessOrEqual(0), whenTrue: level + 1, whenFalse: depth + 1 + level)))
        }
        nodes += [TreeNode<Float>](repeating: .leaf([T.w(0, 1)]), count: depth + 1)
        let found = problem([DecisionTree(nodes: nodes)])
        #expect(found?.kind == .tooDeep(limit: treeDepthLimit))
        #expect(found?.node == treeDepthLimit)
        // Just under the limit compiles, and a walk reaches the bottom.
        let ok = Array(nodes[(depth - treeDepthLimit + 1)...]).map { node -> TreeNode<Float> in
            guard case .branch(var b) = node else { return node }
            b.whenTrue -= depth - treeDepthLimit + 1
            b.whenFalse -= depth - treeDepthLimit + 1
            return .branch(b)
        }
        #expect(problem([DecisionTree(nodes: ok)]) == nil)
    }

    @Test func statsDescribeTheForest() throws {
        let op = try T.regressor([T.probeStump([T.w(0, 1)], [T.w(0, 2)]), DecisionTree(nodes: [.leaf([T.w(0, 3)])])])
        #expect(op.stats == TreeEnsembleStats(trees: 2, nodes: 4, leaves: 3, maxDepth: 1, featureCount: 1, targets: 1))
    }

    @Test(arguments: [1, 2, 3, 5, 7, 8, 15, 16, 17, 100, 300])
    func randomForestsMatchAPlainWalk(rows: Int) throws {
        var random = SplitMix(testSeed: UInt64(rows))
        for round in 0..<12 {
            let targets = round % 3 == 0 ? 1 : 1 + Int(random.next() % 3)
            let general = round % 4 == 3
            let trees = (0..<(1 + Int(random.next() % 20))).map { _ in
                RandomTree.make(&random, depth: Int(random.next() % 9), features: 4, targets: targets, general: general)
            }
            let x = (0..<(rows * 4)).map { _ in RandomTree.value(&random) }
            let op = try T.regressor(trees, targets: targets)
            let out = T.floats(try op.run([.tensor(try Tensor(float32: x, shape: [rows, 4]))])[0])
            let expected = RandomTree.evaluate(trees, rows: x, count: rows, targets: targets)
            #expect(out == expected, "round \(round), \(trees.count) trees, \(targets) targets")
        }
    }
}

/// augur-bench's SplitMix64, seeded as these tests always were.
typealias SplitMix = SplitMix64

extension SplitMix64 {
    init(testSeed seed: UInt64) { self.init(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
}

/// Random trees and the plain evaluation they are checked against.
enum RandomTree {
    static let points: [Float] = [-1, -0.5, 0, 0.25, 0.5, 1, 2, .nan, .infinity]

    static func value(_ random: inout SplitMix) -> Float { points[Int(random.next() % UInt64(points.count))] }

    static func make(_ random: inout SplitMix, depth: Int, features: Int, targets: Int, general: Bool) -> DecisionTree<Float> {
        var nodes: [TreeNode<Float>] = []
        var pending = [(slot: 0, level: 0)]
        nodes.append(.leaf([]))
        while let (slot, level) = pending.popLast() {
            if level >= depth || (level > 0 && random.next() % 4 == 0) {
                let count = targets == 1 ? 1 : Int(random.next() % 3)
                nodes[slot] = .leaf((0..<count).map { _ in
                    TreeLeafWeight(target: Int(random.next() % UInt64(targets)), weight: Float(Int(random.next() % 200)) / 8 - 12)
                })
                continue
            }
            let t = value(&random)
            let kinds: [TreeComparison<Float>] = [.lessOrEqual(t), .less(t), .greaterOrEqual(t), .greater(t)]
                + (general ? [.equal(t), .notEqual(t), .member([0, 1, 2])] : [])
            let comparison = kinds[Int(random.next() % UInt64(kinds.count))]
            let trueSlot = nodes.count
            nodes += [.leaf([]), .leaf([])]
            nodes[slot] = .branch(TreeBranch(feature: Int(random.next() % UInt64(features)), comparison: comparison,
                                             missingGoesTrue: random.next() % 3 == 0, whenTrue: trueSlot, whenFalse: trueSlot + 1))
            pending += [(trueSlot, level + 1), (trueSlot + 1, level + 1)]
        }
        return DecisionTree(nodes: nodes)
    }

    static func test(_ comparison: TreeComparison<Float>, _ x: Float) -> Bool {
        switch comparison {
        case .lessOrEqual(let t): x <= t
        case .less(let t): x < t
        case .greaterOrEqual(let t): x >= t
        case .greater(let t): x > t
        case .equal(let t): x == t
        case .notEqual(let t): x != t
        case .member(let set): set.contains(x)
        case .memberTruncated(let set): x.isFinite && set.contains(Int64(x.rounded(.towardZero)))
        }
    }

    static func leaf(_ tree: DecisionTree<Float>, _ row: ArraySlice<Float>) -> [TreeLeafWeight<Float>] {
        var index = tree.root
        while true {
            switch tree.nodes[index] {
            case .leaf(let weights): return weights
            case .branch(let b):
                let x = row[row.startIndex + b.feature]
                index = test(b.comparison, x) || (b.missingGoesTrue && x.isNaN) ? b.whenTrue : b.whenFalse
            }
        }
    }

    /// Sums in tree order; one target takes each leaf's first weight; targets no tree fed are 0.
    static func evaluate(_ trees: [DecisionTree<Float>], rows: [Float], count: Int, targets: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * targets)
        for r in 0..<count {
            var has = [Bool](repeating: false, count: targets)
            let row = rows[(r * 4)..<(r * 4 + 4)]
            for tree in trees {
                let weights = leaf(tree, row)
                if targets == 1 {
                    out[r] += weights.first?.weight ?? 0
                    continue
                }
                for w in weights {
                    out[r * targets + w.target] += w.weight
                    has[w.target] = true
                }
            }
            if targets > 1 { for k in 0..<targets where !has[k] { out[r * targets + k] = 0 } }
        }
        return out
    }
}
