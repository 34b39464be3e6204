import Testing
@testable import AugurEngine

/// Aggregation, base values and post transforms of regressors against onnxruntime 1.23.2.
///
/// Expectations were obtained with onnxruntime 1.23.2 in the project venv, running
/// ai.onnx.ml 3 TreeEnsembleRegressor models built with onnx.helper from the same trees:
/// stumps `x0 <= 0.5` (and `x0 <= 0.25` for the second tree) with the leaf weights shown;
/// `scripts/tree_ort_cases.py` reproduces them.
@Suite struct TreeEnsembleRegressionTests {
    typealias T = TreeTesting
    static let rows: [[Float]] = [[0], [1], [0.2], [0.3]]

    /// Tree 0: `x0 <= 0.5` → `first`, else `second`; tree 1: `x0 <= 0.25` → `third`, else `fourth`.
    static func twoTrees(_ first: [T.W], _ second: [T.W], _ third: [T.W], _ fourth: [T.W]) -> [DecisionTree<Float>] {
        [T.probeStump(first, second), T.stump(.lessOrEqual(0.25), whenTrue: third, whenFalse: fourth)]
    }

    @Test func targetsWithoutWeightsAreZeroEvenWithBaseValues() throws {
        let tree = T.probeStump([T.w(0, 1)], [T.w(1, 4)])
        for aggregation in [TreeAggregation.sum, .minimum, .maximum] {
            let op = try T.regressor([tree], targets: 2, aggregation: aggregation, base: [10, 20])
            #expect(T.floats(try T.run(op, [[0], [1]])[0]) == [11, 0, 0, 24])
        }
    }

    @Test func averageDividesByTreeCountThenAddsBase() throws {
        let multi = Self.twoTrees([T.w(0, 1)], [T.w(1, 4)], [T.w(0, 2)], [T.w(0, 8)])
        let op = try T.regressor(multi, targets: 2, aggregation: .average, base: [10, 20])
        #expect(T.floats(try T.run(op, Self.rows)[0]) == [11.5, 0, 14, 22, 11.5, 0, 14.5, 0])
        let single = Self.twoTrees([T.w(0, 1)], [T.w(0, 4)], [T.w(0, 2)], [T.w(0, 8)])
        let one = try T.regressor(single, aggregation: .average, base: [10])
        #expect(T.floats(try T.run(one, Self.rows)[0]) == [11.5, 16, 11.5, 14.5])
    }

    @Test func minimumAndMaximumOverTrees() throws {
        let trees = Self.twoTrees([T.w(0, 1)], [T.w(0, 4)], [T.w(0, 2)], [T.w(0, 8)])
        let minimum = try T.regressor(trees, aggregation: .minimum, base: [0.5])
        #expect(T.floats(try T.run(minimum, Self.rows)[0]) == [1.5, 4.5, 1.5, 1.5])
        let maximum = try T.regressor(trees, aggregation: .maximum)
        #expect(T.floats(try T.run(maximum, Self.rows)[0]) == [2, 8, 2, 8])
    }

    @Test func singleTargetUsesTheFirstWeightOfALeaf() throws {
        let tree = T.probeStump([T.w(0, 1), T.w(0, 2)], [T.w(0, 4)])
        #expect(T.floats(try T.run(try T.regressor([tree]), [[0], [1]])[0]) == [1, 4])
    }

    @Test func singleTargetOnlyTransformsWithProbit() throws {
        let tree = T.probeStump([T.w(0, 1)], [T.w(0, 4)])
        for post in [PostTransform.logistic, .softmax, .softmaxZero] {
            #expect(T.floats(try T.run(try T.regressor([tree], post: post), [[0], [1]])[0]) == [1, 4])
        }
        let small = T.probeStump([T.w(0, 0.1)], [T.w(0, 0.4)])
        let probit = T.floats(try T.run(try T.regressor([small], post: .probit), [[0], [1]])[0])
        #expect(T.close(probit, [-1.2817129, -0.2533535]))
    }

    @Test func severalTargetsTransformEveryScore() throws {
        let tree = T.probeStump([T.w(0, 1)], [T.w(1, 4)])
        let softmax = T.floats(try T.run(try T.regressor([tree], targets: 2, post: .softmax), [[0], [1]])[0])
        #expect(T.close(softmax, [0.7310586, 0.26894143, 0.01798621, 0.98201376]))
        // A target without a score enters the transform as 0.
        let logistic = T.floats(try T.run(try T.regressor([tree], targets: 2, post: .logistic), [[0], [1]])[0])
        #expect(T.close(logistic, [0.7310586, 0.5, 0.5, 0.98201376]))
    }

    @Test func nanThresholdAlwaysTakesTheFalseBranch() throws {
        // onnxruntime: BRANCH_LEQ with threshold NaN sends every row to the false child.
        let tree = T.stump(.lessOrEqual(Float.nan), whenTrue: [T.w(0, 1)], whenFalse: [T.w(0, 4)])
        #expect(T.floats(try T.run(try T.regressor([tree]), [[0], [1]])[0]) == [4, 4])
    }

    @Test func noTreesGiveTheBaseValues() throws {
        let sum = try T.regressor([DecisionTree<Float>](), targets: 2, base: [1, 2])
        #expect(T.floats(try T.run(sum, [[0]])[0]) == [0, 0])
        let single = try T.regressor([DecisionTree<Float>](), aggregation: .maximum, base: [3])
        #expect(T.floats(try T.run(single, [[0]])[0]) == [3])
    }

    @Test func baseValueCountMustMatch() throws {
        let tree = T.probeStump([T.w(0, 1)], [T.w(0, 4)])
        #expect(throws: EngineError.self) { try T.regressor([tree], base: [1, 2]) }
        #expect(throws: EngineError.self) { try T.regressor([tree], targets: 0) }
    }

    @Test func ensembleKeepsDoublePrecision() throws {
        let tree = T.stump(.lessOrEqual(0.5), whenTrue: [TreeLeafWeight<Double>(target: 0, weight: 0.1)],
                           whenFalse: [TreeLeafWeight<Double>(target: 0, weight: 1e-12)])
        let op = try TreeEnsemble(TreeEnsembleModel(trees: [tree, tree], targetCount: 1), kind: .ensemble)
        let out = try op.run([.tensor(try Tensor(float64: [0, 1], shape: [2, 1]))])
        #expect(T.doubles(out[0]) == [0.2, 2e-12])
        #expect(throws: EngineError.self) { try op.outputTypes(for: [.tensor(TensorType(.float32, shape: [nil, 1]))]) }
        #expect(try op.outputTypes(for: [.tensor(TensorType(.float64, shape: [3, 1]))])
                == [.tensor(TensorType(.float64, shape: [3, 1]))])
    }
}
