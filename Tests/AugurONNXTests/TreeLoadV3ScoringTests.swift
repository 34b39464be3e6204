import Testing
@testable import AugurEngine
@testable import AugurONNX

/// File-level behaviours of TreeEnsembleRegressor / TreeEnsembleClassifier that only show
/// through their attributes. Expected values were obtained by running the same attributes
/// through onnxruntime 1.23.2 (CPU, one thread) in the project venv.
@Suite struct TreeLoadV3ScoringTests {
    typealias S = TreeLoadSupport

    static func regressor(_ attributes: [String: S.Attribute], opset: Int = 3,
                          elementType: Onnx_TensorProto.DataType = .float) throws -> ONNXModel {
        try S.load(S.node("TreeEnsembleRegressor", outputs: ["Y"], attributes), opset: opset, elementType: elementType)
    }

    static func floats(_ value: Value?) -> [Float] {
        guard case .tensor(let t)? = value, case .float32(let v) = t.storage else { return [] }
        return v
    }

    @Test func weightlessLeafOfOneTargetUsesItsNodeValue() throws {
        // Leaf 2 has no weight; onnxruntime adds its nodes_values entry (6) to the base value 3.
        let model = try Self.regressor(S.stump().with([
            "nodes_values": .floats([0.5, 5, 6]), "n_targets": .int(1), "base_values": .floats([3]),
            "target_treeids": .ints([0]), "target_nodeids": .ints([1]), "target_ids": .ints([0]), "target_weights": .floats([1]),
        ]))
        #expect(Self.floats(try S.run(model, [[0], [1], [0.2], [0.3]])["Y"]) == [4, 9, 4, 4])
    }

    @Test func weightsOnBranchesAreIgnored() throws {
        let model = try Self.regressor(S.stump().with([
            "n_targets": .int(1), "target_treeids": .ints([0, 0, 0]), "target_nodeids": .ints([0, 1, 2]),
            "target_ids": .ints([0, 0, 0]), "target_weights": .floats([100, 1, 4]),
        ]))
        #expect(Self.floats(try S.run(model, [[0], [1]])["Y"]) == [1, 4])
    }

    @Test func theFirstListedNodeIsTheRoot() throws {
        // Nodes listed as 1 (a leaf), 0, 2: onnxruntime starts at node 1 and always answers 1.
        let model = try Self.regressor([
            "nodes_treeids": .ints([0, 0, 0]), "nodes_nodeids": .ints([1, 0, 2]), "nodes_featureids": .ints([0, 0, 0]),
            "nodes_modes": .strings(["LEAF", "BRANCH_LEQ", "LEAF"]), "nodes_values": .floats([0, 0.5, 0]),
            "nodes_truenodeids": .ints([0, 1, 0]), "nodes_falsenodeids": .ints([0, 2, 0]), "n_targets": .int(1),
            "target_treeids": .ints([0, 0]), "target_nodeids": .ints([1, 2]), "target_ids": .ints([0, 0]),
            "target_weights": .floats([1, 4]),
        ])
        #expect(Self.floats(try S.run(model, [[0], [1]])["Y"]) == [1, 1])
    }

    @Test func shortMissingTracksListCoversTheFirstNodes() throws {
        let model = try Self.regressor(S.stump().with([
            "nodes_missing_value_tracks_true": .ints([1]), "n_targets": .int(1), "target_treeids": .ints([0, 0]),
            "target_nodeids": .ints([1, 2]), "target_ids": .ints([0, 0]), "target_weights": .floats([1, 4]),
        ]))
        #expect(Self.floats(try S.run(model, [[.nan], [1]])["Y"]) == [1, 4])
    }

    @Test func doubleInputComparesInDouble() throws {
        // BRANCH_LT 1.0 with a float64 input: 0.99999999 < 1 is true (leaf 1), 1.0 is not.
        let model = try Self.regressor(S.stump(mode: "BRANCH_LT", threshold: 1).with([
            "n_targets": .int(1), "target_treeids": .ints([0, 0]), "target_nodeids": .ints([1, 2]),
            "target_ids": .ints([0, 0]), "target_weights": .floats([1, 4]),
        ]), elementType: .double)
        let x = try Tensor(float64: [0.99999999, 1.0], shape: [2, 1])
        #expect(Self.floats(try model.plan.run(["X": .tensor(x)])["Y"]) == [1, 4])
    }

    @Test func int64ClassifierComparesAsFloat() throws {
        // 16777217 becomes 16777216.0f, which is <= 16777216: class 0 (label 5).
        let attributes = S.stump(threshold: 16_777_216).with([
            "classlabels_int64s": .ints([5, 7, 9]), "class_treeids": .ints([0, 0]), "class_nodeids": .ints([1, 2]),
            "class_ids": .ints([0, 2]), "class_weights": .floats([0.2, 0.7]),
        ])
        let model = try S.load(S.node("TreeEnsembleClassifier", outputs: ["L", "S"], attributes), opset: 3, elementType: .int64)
        let out = try model.plan.run(["X": .tensor(try Tensor(int64: [16_777_217], shape: [1, 1]))])
        #expect(out["L"] == .tensor(try Tensor(int64: [5], shape: [1])))
        #expect(Self.floats(out["S"]) == [0.2, 0, 0])
        #expect(model.treeEnsembles.first?.stats.targets == 3)
    }

    @Test func classifierWithClassOneWeightsIsBinaryCase() throws {
        let attributes = S.stump().with([
            "classlabels_int64s": .ints([5, 7]), "class_treeids": .ints([0, 0]), "class_nodeids": .ints([1, 2]),
            "class_ids": .ints([0, 0]), "class_weights": .floats([-0.2, 0.7]), "post_transform": .string("LOGISTIC"),
        ])
        let model = try S.load(S.node("TreeEnsembleClassifier", outputs: ["L", "S"], attributes), opset: 3)
        let out = try S.run(model, [[0], [1]])
        #expect(out["L"] == .tensor(try Tensor(int64: [5, 7], shape: [2])))
        #expect(TreeTestingONNX.close(Self.floats(out["S"]), [0.54983395, 0.45016605, 0.33181226, 0.66818774]))
    }
}

enum TreeTestingONNX {
    static func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in x == y || abs(x - y) <= 1e-5 * max(1, abs(y)) }
    }
}
