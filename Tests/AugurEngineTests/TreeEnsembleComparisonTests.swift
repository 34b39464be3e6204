import Testing
@testable import AugurEngine

/// Every comparison mode, values exactly on and next to thresholds, infinities and NaN, in
/// every input type and walk. The expected leaf comes from evaluating the comparison the way
/// onnxruntime's C++ does (`x <= t` etc. in the compare type, then `|| (missing_tracks_true && isnan(x))`).
@Suite struct TreeEnsembleComparisonTests {
    typealias T = TreeTesting

    static let thresholds: [Float] = [0.5, 0, -0.0, 1, -1, .infinity, -.infinity, .nan,
                                      .leastNonzeroMagnitude, -.greatestFiniteMagnitude, .greatestFiniteMagnitude]

    static func probes(around t: Float) -> [Float] {
        var values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 16_777_218, 3.5]
        if t.isFinite { values += [t, t.nextUp, t.nextDown] }
        return values
    }

    static let modes: [(String, @Sendable (Float) -> TreeComparison<Float>)] = [
        ("<=", { .lessOrEqual($0) }), ("<", { .less($0) }), (">=", { .greaterOrEqual($0) }),
        (">", { .greater($0) }), ("==", { .equal($0) }), ("!=", { .notEqual($0) }),
    ]

    /// onnxruntime's test in the compare type `C`.
    static func truth<C: TreeScalar>(_ mode: String, _ x: C, _ t: C, missing: Bool) -> Bool {
        let test: Bool
        switch mode {
        case "<=": test = x <= t
        case "<": test = x < t
        case ">=": test = x >= t
        case ">": test = x > t
        case "==": test = x == t
        default: test = x != t
        }
        return test || (missing && x.isNaN)
    }

    @Test(arguments: [false, true])
    func floatInputEveryModeEveryThreshold(missing: Bool) throws {
        for (name, make) in Self.modes {
            for t in Self.thresholds {
                let xs = Self.probes(around: t)
                let tree = T.stump(make(t), missingGoesTrue: missing, whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 2)])
                let expected: [Float] = xs.map { Self.truth(name, $0, t, missing: missing) ? 1 : 2 }
                let op = try T.regressor([tree])
                let batch = T.floats(try op.run([.tensor(try Tensor(float32: xs, shape: [xs.count, 1]))])[0])
                #expect(batch == expected, "x \(name) \(t), missing \(missing)")
                // One row at a time takes the tree-group walk.
                let single = try xs.map { T.floats(try op.run([.tensor(try Tensor(float32: [$0], shape: [1, 1]))])[0])[0] }
                #expect(single == expected, "x \(name) \(t), missing \(missing), single rows")
                // A deep chain in front forces the flat (unpadded) layout.
                let deep = try T.regressor([Self.chained(tree, depth: 20)])
                #expect(T.floats(try deep.run([.tensor(try Tensor(float32: xs, shape: [xs.count, 1]))])[0]) == expected,
                        "x \(name) \(t), missing \(missing), flat layout")
            }
        }
    }

    /// `tree` behind `depth` branches that always take their true side (`x <= +inf`, NaN too).
    static func chained(_ tree: DecisionTree<Float>, depth: Int) -> DecisionTree<Float> {
        var nodes: [TreeNode<Float>] = []
        let start = depth
        for level in 0..<depth {
            // Each level has its own (never taken) false leaf after the tree's nodes.
            let next = level + 1 == depth ? start : level + 1
            nodes.append(.branch(TreeBranch(feature: 0, comparison: .lessOrEqual(.infinity), missingGoesTrue: true,
                                            whenTrue: next, whenFalse: start + tree.nodes.count + level)))
        }
        for node in tree.nodes {
            guard case .branch(var branch) = node else { nodes.append(node); continue }
            branch.whenTrue += start
            branch.whenFalse += start
            nodes.append(.branch(branch))
        }
        nodes += (0..<depth).map { _ in .leaf([T.w(0, -100)]) }
        return DecisionTree(nodes: nodes)
    }

    @Test(arguments: [false, true])
    func doubleInputComparesFloatThresholdsInDouble(missing: Bool) throws {
        // onnxruntime compares a float64 input with float thresholds widened to double, so a
        // strict test near 1.0 must not use the float 1.0.nextDown.
        for (name, make) in Self.modes {
            for t in Self.thresholds {
                let wide = Double(t)
                var xs: [Double] = [0, 1, -1, .nan, .infinity, -.infinity, 0.99999999, 1.00000001]
                if wide.isFinite { xs += [wide, wide.nextUp, wide.nextDown, Double(t.nextDown), Double(t.nextUp)] }
                let tree = T.stump(make(t), missingGoesTrue: missing, whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 2)])
                let expected: [Float] = xs.map { Self.truth(name, $0, wide, missing: missing) ? 1 : 2 }
                let out = T.floats(try T.regressor([tree]).run([.tensor(try Tensor(float64: xs, shape: [xs.count, 1]))])[0])
                #expect(out == expected, "x \(name) \(t) in double, missing \(missing)")
            }
        }
    }

    @Test func integerInputsCompareAsFloat() throws {
        // int64 → float rounds 16777217 to 16777216, as the C++ comparison does.
        let tree = T.stump(.lessOrEqual(16_777_216), whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 2)])
        let op = try T.regressor([tree])
        let int64 = try op.run([.tensor(try Tensor(int64: [16_777_216, 16_777_217, 16_777_218, -5], shape: [4, 1]))])
        #expect(T.floats(int64[0]) == [1, 1, 2, 1])
        let int32 = try op.run([.tensor(try Tensor(int32: [16_777_217, 16_777_219], shape: [2, 1]))])
        #expect(T.floats(int32[0]) == [1, 2])
    }

    @Test func membershipSets() throws {
        let exact = T.stump(TreeComparison<Float>.member([1, 3]), whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 2)])
        let xs: [Float] = [1, 1.5, 3, 2, .nan, -1, 0]
        #expect(T.floats(try T.run(try T.regressor([exact]), xs.map { [$0] })[0]) == [1, 2, 1, 2, 2, 2, 2])
        let missing = T.stump(TreeComparison<Float>.member([1, 3]), missingGoesTrue: true, whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 2)])
        #expect(T.floats(try T.run(try T.regressor([missing]), xs.map { [$0] })[0]) == [1, 2, 1, 2, 1, 2, 2])
        // onnxruntime 1.23.2 on TreeEnsemble with the set {1, 3, 100}: 1, 1.5, 3, 2, NaN, 100,
        // 100.5, 3.9, -0.5, 1e10 give 1, 1, 1, 4, 4, 1, 1, 1, 4, 4 (true leaf 1, false leaf 4).
        let big = T.stump(TreeComparison<Float>.memberTruncated([1, 3, 100]), whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 4)])
        let bigXs: [Float] = [1, 1.5, 3, 2, .nan, 100, 100.5, 3.9, -0.5, 1e10]
        #expect(T.floats(try T.run(try T.regressor([big]), bigXs.map { [$0] })[0]) == [1, 1, 1, 4, 4, 1, 1, 1, 4, 4])
    }

    @Test func featuresAreCheckedAtRunTime() throws {
        let tree = DecisionTree<Float>(nodes: [
            .branch(TreeBranch(feature: 2, comparison: .lessOrEqual(0), whenTrue: 1, whenFalse: 2)),
            .leaf([T.w(0, 1)]), .leaf([T.w(0, 2)]),
        ])
        let op = try T.regressor([tree])
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(float32: [1, 2], shape: [1, 2]))]) }
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(float32: [1, 2, 3], shape: [1, 1, 3]))]) }
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(string: ["a", "b", "c"], shape: [1, 3]))]) }
        // A single row may come as [F].
        #expect(T.floats(try op.run([.tensor(try Tensor(float32: [9, 9, -1], shape: [3]))])[0]) == [1])
        let empty = try op.run([.tensor(try Tensor(float32: [], shape: [0, 3]))])
        #expect(empty[0] == .tensor(try Tensor(float32: [], shape: [0, 1])))
    }
}
