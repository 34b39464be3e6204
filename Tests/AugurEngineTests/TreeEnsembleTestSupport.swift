import Testing
@testable import AugurEngine

/// Small hand-built ensembles for the TreeEnsemble tests.
enum TreeTesting {
    typealias W = TreeLeafWeight<Float>

    /// One branch on feature 0 (`comparison`) whose true child is leaf 1 and false child leaf 2.
    static func stump<T: TreeScalar>(_ comparison: TreeComparison<T>, missingGoesTrue: Bool = false,
                                     whenTrue: [TreeLeafWeight<T>], whenFalse: [TreeLeafWeight<T>]) -> DecisionTree<T> {
        DecisionTree(nodes: [
            .branch(TreeBranch(feature: 0, comparison: comparison, missingGoesTrue: missingGoesTrue, whenTrue: 1, whenFalse: 2)),
            .leaf(whenTrue),
            .leaf(whenFalse),
        ])
    }

    /// The stump used by the onnxruntime probes: `x0 <= 0.5` goes to the first leaf.
    static func probeStump(_ whenTrue: [W], _ whenFalse: [W]) -> DecisionTree<Float> {
        stump(.lessOrEqual(0.5), whenTrue: whenTrue, whenFalse: whenFalse)
    }

    static func w(_ target: Int, _ weight: Float) -> W { W(target: target, weight: weight) }

    static func classifier(_ trees: [DecisionTree<Float>], labels: TreeClassLabels, base: [Float] = [],
                           post: PostTransform = .none) throws -> TreeEnsemble {
        var classIds = Set<Int>()
        var nonNegative = true
        for tree in trees {
            for case .leaf(let weights) in tree.nodes {
                for weight in weights {
                    classIds.insert(weight.target)
                    if weight.weight < 0 { nonNegative = false }
                }
            }
        }
        let classification = TreeClassification(labels: labels, weightsForOneClass: labels.count == 2 && classIds.count == 1,
                                                weightsAreNonNegative: nonNegative)
        let model = TreeEnsembleModel(trees: trees, targetCount: labels.count, baseValues: base, postTransform: post)
        return try TreeEnsemble(model, kind: .classifier(classification))
    }

    static func regressor<T: TreeScalar>(_ trees: [DecisionTree<T>], targets: Int = 1, aggregation: TreeAggregation = .sum,
                                         base: [T] = [], post: PostTransform = .none) throws -> TreeEnsemble {
        try TreeEnsemble(TreeEnsembleModel(trees: trees, targetCount: targets, aggregation: aggregation,
                                           baseValues: base, postTransform: post), kind: .regressor)
    }

    /// Runs on float32 rows.
    static func run(_ op: TreeEnsemble, _ rows: [[Float]]) throws -> [Value] {
        let width = rows.first?.count ?? 1
        return try op.run([.tensor(try Tensor(float32: rows.flatMap { $0 }, shape: [rows.count, width]))])
    }

    static func floats(_ value: Value) -> [Float] {
        guard case .tensor(let t) = value, case .float32(let v) = t.storage else { return [] }
        return v
    }

    static func doubles(_ value: Value) -> [Double] {
        guard case .tensor(let t) = value, case .float64(let v) = t.storage else { return [] }
        return v
    }

    static func labels(_ value: Value) -> [Int64] {
        guard case .tensor(let t) = value, case .int64(let v) = t.storage else { return [] }
        return v
    }

    static func strings(_ value: Value) -> [String] {
        guard case .tensor(let t) = value, case .string(let v) = t.storage else { return [] }
        return v
    }

    /// Equal within 1e-5 relative (onnxruntime's float transforms), NaN equal to NaN.
    static func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x == y || (x.isNaN && y.isNaN) || abs(x - y) <= 1e-5 * max(1, abs(y))
        }
    }
}
