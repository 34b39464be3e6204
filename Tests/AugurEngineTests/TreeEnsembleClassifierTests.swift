import Testing
@testable import AugurEngine

/// Classifier scoring against onnxruntime 1.23.2, including its binary special cases.
///
/// Every expectation was obtained by running onnxruntime 1.23.2 (CPU, one thread) in the
/// project venv on an ai.onnx.ml 3 TreeEnsembleClassifier built with onnx.helper: one tree,
/// node 0 `x0 <= 0.5` (BRANCH_LEQ) with leaf 1 on the true side and leaf 2 on the false side,
/// the class weights shown, fed the rows [[0], [1]] (so row 0 reaches leaf 1, row 1 leaf 2).
/// `scripts/tree_ort_cases.py` reproduces them.
@Suite struct TreeEnsembleClassifierTests {
    typealias T = TreeTesting
    static let rows: [[Float]] = [[0], [1]]
    static let fiveSeven = TreeClassLabels.int64([5, 7])

    func check(_ op: TreeEnsemble, labels: [Int64], scores: [Float], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let out = try T.run(op, Self.rows)
        #expect(T.labels(out[0]) == labels, sourceLocation: sourceLocation)
        #expect(T.close(T.floats(out[1]), scores), "\(T.floats(out[1])) vs \(scores)", sourceLocation: sourceLocation)
    }

    @Test func weightsForBothClassesGiveLiteralLabels() throws {
        // onnxruntime returns 1 / 0 (not the class labels 7 / 5) when both classes have weights.
        let tree = T.probeStump([T.w(0, 0.8), T.w(1, 0.2)], [T.w(0, 0.3), T.w(1, 0.7)])
        try check(try T.classifier([tree], labels: Self.fiveSeven), labels: [1, 1], scores: [0.8, 0.2, 0.3, 0.7])
        let strings = try T.run(try T.classifier([tree], labels: .strings(["a", "b"])), Self.rows)
        #expect(T.strings(strings[0]) == ["b", "b"])
    }

    @Test func weightsForClassOneOnly() throws {
        let positive = T.probeStump([T.w(1, 0.2)], [T.w(1, 0.7)])
        try check(try T.classifier([positive], labels: Self.fiveSeven), labels: [5, 7], scores: [0, 0.2, 0, 0.7])
        let mixed = T.probeStump([T.w(1, -0.2)], [T.w(1, 0.7)])
        try check(try T.classifier([mixed], labels: Self.fiveSeven), labels: [5, 7], scores: [0, -0.2, 0, 0.7])
        try check(try T.classifier([mixed], labels: Self.fiveSeven, post: .logistic), labels: [5, 7],
                  scores: [0.5, 0.45016605, 0.5, 0.66818774])
        try check(try T.classifier([positive], labels: Self.fiveSeven, post: .probit), labels: [5, 7],
                  scores: [-.infinity, -0.8417561, -.infinity, 0.5244459])
    }

    @Test func weightsForClassZeroOnlyAddTheSecondScore() throws {
        let positive = T.probeStump([T.w(0, 0.2)], [T.w(0, 0.7)])
        // All weights positive: scores 1 - p, p; the label switches above 0.5.
        try check(try T.classifier([positive], labels: Self.fiveSeven), labels: [5, 7], scores: [0.8, 0.2, 0.3, 0.7])
        try check(try T.classifier([positive], labels: Self.fiveSeven, post: .logistic), labels: [5, 7],
                  scores: [0.8, 0.2, 0.3, 0.7])
        let mixed = T.probeStump([T.w(0, -0.2)], [T.w(0, 0.7)])
        // Mixed signs: scores -s, s (or logistic(-s), logistic(s)); the label switches above 0.
        try check(try T.classifier([mixed], labels: Self.fiveSeven), labels: [5, 7], scores: [0.2, -0.2, -0.7, 0.7])
        try check(try T.classifier([mixed], labels: Self.fiveSeven, post: .logistic), labels: [5, 7],
                  scores: [0.54983395, 0.45016605, 0.33181226, 0.66818774])
        try check(try T.classifier([mixed], labels: Self.fiveSeven, post: .softmax), labels: [5, 7],
                  scores: [0.2, -0.2, -0.7, 0.7])
    }

    @Test func leafWithoutWeightsCountsAsNoScore() throws {
        let tree = T.probeStump([T.w(0, 0.2)], [])
        try check(try T.classifier([tree], labels: Self.fiveSeven), labels: [5, 5], scores: [0.8, 0.2, 1, 0])
    }

    @Test func twoBaseValues() throws {
        let classOne = T.probeStump([T.w(1, 0.2)], [T.w(1, 0.7)])
        // Class 1 becomes base[1] + score0; class 0 (without a score) shows 0.
        try check(try T.classifier([classOne], labels: Self.fiveSeven, base: [0.1, 0.3]), labels: [5, 5],
                  scores: [0, 0.3, 0, 0.3])
        let both = T.probeStump([T.w(0, 0.8), T.w(1, 0.2)], [T.w(0, 0.3), T.w(1, 0.7)])
        try check(try T.classifier([both], labels: Self.fiveSeven, base: [0.1, 0.3]), labels: [1, 1],
                  scores: [-1.1, 1.1, -0.6, 0.6])
        let classZero = T.probeStump([T.w(0, 0.2)], [T.w(0, 0.7)])
        try check(try T.classifier([classZero], labels: Self.fiveSeven, base: [0.1, 0.3]), labels: [5, 7],
                  scores: [0.3, 0, 0.8, 0])
    }

    @Test func oneBaseValue() throws {
        let classOne = T.probeStump([T.w(1, 0.2)], [T.w(1, 0.7)])
        try check(try T.classifier([classOne], labels: Self.fiveSeven, base: [0.1]), labels: [5, 7],
                  scores: [0, 0.2, 0, 0.7])
        let both = T.probeStump([T.w(0, 0.8), T.w(1, 0.2)], [T.w(0, 0.3), T.w(1, 0.7)])
        try check(try T.classifier([both], labels: Self.fiveSeven, base: [0.1]), labels: [1, 1],
                  scores: [0.90000004, 0.2, 0.4, 0.7])
        let classZero = T.probeStump([T.w(0, -0.2)], [T.w(0, 0.7)])
        try check(try T.classifier([classZero], labels: Self.fiveSeven, base: [0.5]), labels: [7, 7],
                  scores: [-0.3, 0.3, -1.2, 1.2])
        try check(try T.classifier([classZero], labels: Self.fiveSeven, base: [0.5], post: .logistic), labels: [7, 7],
                  scores: [0.4255575, 0.5744425, 0.23147517, 0.7685248])
    }

    @Test func threeClassesTakeTheFirstHighestScoredClass() throws {
        let labels = TreeClassLabels.int64([5, 7, 9])
        let tree = T.probeStump([T.w(0, 0.2)], [T.w(2, 0.7)])
        try check(try T.classifier([tree], labels: labels), labels: [5, 9], scores: [0.2, 0, 0, 0, 0, 0.7])
        // Ties go to the first class; class 1 has no score, so its 0 does not beat -1.
        let ties = T.probeStump([T.w(0, 0.5), T.w(2, 0.5)], [T.w(0, -1), T.w(2, -1)])
        try check(try T.classifier([ties], labels: labels), labels: [5, 5], scores: [0.5, 0, 0.5, -1, 0, -1])
        try check(try T.classifier([tree], labels: labels, post: .softmax), labels: [5, 9],
                  scores: [0.37915242, 0.31042376, 0.31042376, 0.2491434, 0.2491434, 0.5017132])
        try check(try T.classifier([tree], labels: labels, post: .softmaxZero), labels: [5, 9],
                  scores: [1, 0, 0, 0, 0, 1])
        try check(try T.classifier([tree], labels: labels, base: [1, 2, -3]), labels: [7, 7],
                  scores: [1.2, 2, -3, 1, 2, -2.3])
    }

    @Test func singleClass() throws {
        // One class: the label is the literal 1 or 0 and only the first score is written.
        let tree = T.probeStump([T.w(0, 0.2)], [T.w(0, 0.7)])
        let labels = TreeClassLabels.int64([5])
        try check(try T.classifier([tree], labels: labels), labels: [1, 1], scores: [0.2, 0.7])
        let mixed = T.probeStump([T.w(0, -0.2)], [T.w(0, 0.7)])
        try check(try T.classifier([mixed], labels: labels, post: .logistic), labels: [0, 1], scores: [-0.2, 0.7])
        try check(try T.classifier([mixed], labels: labels, base: [0.5, 1]), labels: [1, 1], scores: [-0.8, -1.7])
        #expect(throws: EngineError.self) { try T.classifier([tree], labels: .strings(["only"])) }
    }

    @Test func badLabelCountsAndBaseValuesAreRefused() throws {
        let tree = T.probeStump([T.w(0, 0.2)], [T.w(0, 0.7)])
        let model = TreeEnsembleModel(trees: [tree], targetCount: 3)
        let two = TreeClassification(labels: Self.fiveSeven, weightsForOneClass: true, weightsAreNonNegative: true)
        #expect(throws: EngineError.self) { try TreeEnsemble(model, kind: .classifier(two)) }
        #expect(throws: EngineError.self) { try T.classifier([tree], labels: Self.fiveSeven, base: [1, 2, 3]) }
    }
}
