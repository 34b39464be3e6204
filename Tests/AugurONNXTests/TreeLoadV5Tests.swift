import Testing
@testable import AugurEngine
@testable import AugurONNX

/// TreeEnsemble (ai.onnx.ml 5): scoring checked against onnxruntime 1.23.2 (values obtained
/// by running the same attributes through it in the project venv, see
/// `scripts/tree_ort_cases.py`) and load-time checks.
@Suite struct TreeLoadV5Tests {
    typealias S = TreeLoadSupport
    static let label = "'trees' (TreeEnsemble)"
    static let nan = Float.nan

    /// The model of the `tree_ensemble_opset5` fixture (Tests/Fixtures): three trees
    /// with BRANCH_MEMBER, LEQ, GT (NaN goes true) and LT nodes, two targets.
    static func fixture(_ changes: [String: S.Attribute] = [:]) -> [String: S.Attribute] {
        [
            "n_targets": .int(2), "aggregate_function": .int(1), "post_transform": .int(0), "tree_roots": .ints([0, 2, 4]),
            "nodes_modes": .uint8s([6, 0, 3, 6, 1]), "nodes_featureids": .ints([2, 0, 1, 2, 0]),
            "nodes_splits": .float32s([nan, 0.5, 2, nan, -1]),
            "nodes_truenodeids": .ints([1, 1, 5, 4, 6]), "nodes_trueleafs": .ints([0, 1, 1, 1, 1]),
            "nodes_falsenodeids": .ints([0, 2, 3, 3, 7]), "nodes_falseleafs": .ints([1, 1, 0, 1, 1]),
            "nodes_missing_value_tracks_true": .ints([0, 1, 1, 0, 0]),
            "membership_values": .float32s([1, 3, 5, nan, 2, 4, nan]),
            "leaf_targetids": .ints([0, 0, 1, 0, 1, 0, 0, 1]),
            "leaf_weights": .float32s([1.5, 10, -2.25, -7, 0.125, 100, 1000, 3]),
        ].with(changes)
    }

    static func load(_ attributes: [String: S.Attribute], elementType: Onnx_TensorProto.DataType = .float) throws -> ONNXModel {
        try S.load(S.node("TreeEnsemble", outputs: ["Y"], attributes), opset: 5, elementType: elementType)
    }

    static func error(_ attributes: [String: S.Attribute], elementType: Onnx_TensorProto.DataType = .float) -> EngineError? {
        do {
            _ = try load(attributes, elementType: elementType)
            return nil
        } catch let error as EngineError {
            return error
        } catch {
            return EngineError(.invalidFile, "unexpected \(error)")
        }
    }

    static func floats(_ value: Value?) -> [Float] {
        guard case .tensor(let t)? = value, case .float32(let v) = t.storage else { return [] }
        return v
    }

    @Test func fixtureModelMatchesOnnxruntime() throws {
        let rows: [[Float]] = [[0, 0, 1], [0.5, 2, 3], [0.6, 2.1, 5], [-1, 1, 2], [-1.5, 3, 4], [2, .nan, 6],
                               [.nan, 0, .nan], [0.25, -3, 0], [.nan, .nan, .nan], [-0.999, 2, 4], [1, 5, 1.0000001], [0.5, 1.99, 3]]
        // tree_ensemble_opset5/expected.json (onnxruntime 1.23.2).
        let sum: [Float] = [3, 3, 3, 3, 100, 0.75, 1.5, 3.125, 1101.5, 0, 101.5, 3, -5.5, 3, -5.5, 3, 101.5, 3,
                            1.5, 3.125, 101.5, 3, 3, 3]
        let got = Self.floats(try S.run(try Self.load(Self.fixture()), rows)["Y"])
        #expect(got == sum, "\(got)")
        let average = try Self.load(Self.fixture(["aggregate_function": .int(0)]))
        #expect(Self.floats(try S.run(average, rows)["Y"]) == sum.map { $0 / 3 })
    }

    @Test func singleLeafTreeUsesTheLeafAtTheRootIndex() throws {
        // Tree 1's root (node 1) sends both branches to leaf 2; onnxruntime and the ONNX
        // reference implementation both read leaf_*[1] (weight 4), giving 5, 8, 8.
        let model = try Self.load([
            "n_targets": .int(1), "tree_roots": .ints([0, 1]), "nodes_modes": .uint8s([0, 0]),
            "nodes_featureids": .ints([0, 0]), "nodes_splits": .float32s([0.5, 0]),
            "nodes_truenodeids": .ints([0, 2]), "nodes_trueleafs": .ints([1, 1]),
            "nodes_falsenodeids": .ints([1, 2]), "nodes_falseleafs": .ints([1, 1]),
            "leaf_targetids": .ints([0, 0, 0]), "leaf_weights": .float32s([1, 4, 100]),
        ])
        #expect(Self.floats(try S.run(model, [[0], [1], [.nan]])["Y"]) == [5, 8, 8])
    }

    static func member(_ set: [Float], missing: Int64 = 0) -> [String: S.Attribute] {
        [
            "n_targets": .int(1), "tree_roots": .ints([0]), "nodes_modes": .uint8s([6]), "nodes_featureids": .ints([0]),
            "nodes_splits": .float32s([0]), "nodes_truenodeids": .ints([0]), "nodes_trueleafs": .ints([1]),
            "nodes_falsenodeids": .ints([1]), "nodes_falseleafs": .ints([1]), "nodes_missing_value_tracks_true": .ints([missing]),
            "leaf_targetids": .ints([0, 0]), "leaf_weights": .float32s([1, 4]), "membership_values": .float32s(set + [nan]),
        ]
    }

    @Test func membershipSetsFollowOnnxruntime() throws {
        let small: [[Float]] = [[1], [1.5], [3], [2], [.nan], [-1], [0]]
        #expect(Self.floats(try S.run(try Self.load(Self.member([1, 3])), small)["Y"]) == [1, 4, 1, 4, 4, 4, 4])
        #expect(Self.floats(try S.run(try Self.load(Self.member([1, 3], missing: 1)), small)["Y"]) == [1, 4, 1, 4, 1, 4, 4])
        // 100 makes the set "big": onnxruntime truncates the input to an integer first.
        let big: [[Float]] = [[1], [1.5], [3], [2], [.nan], [100], [100.5], [3.9], [-0.5], [1e10]]
        #expect(Self.floats(try S.run(try Self.load(Self.member([1, 3, 100])), big)["Y"]) == [1, 1, 1, 4, 4, 1, 1, 1, 4, 4])
        // A negative member also makes it big: -1.5 truncates to -1.
        let negative: [[Float]] = [[-1], [-1.5], [3], [-0.5], [2]]
        #expect(Self.floats(try S.run(try Self.load(Self.member([-1, 3])), negative)["Y"]) == [1, 1, 1, 4, 4])
        // A fractional member in a small set compares exactly.
        #expect(Self.floats(try S.run(try Self.load(Self.member([1.5, 3])), [[1.5], [1], [3], [2]])["Y"]) == [1, 4, 1, 4])
    }

    @Test func postTransformCodesFollowTheSpecification() throws {
        // Code 2 is LOGISTIC in the ONNX specification (onnxruntime 1.23 reads it as SOFTMAX).
        let attributes = Self.fixture().with([
            "n_targets": .int(2), "tree_roots": .ints([1]), "leaf_weights": .float32s([1.5, 1, 4, 100, 0.125, -7, 1000, 3]),
            "leaf_targetids": .ints([0, 0, 1, 0, 1, 0, 0, 1]), "post_transform": .int(2),
        ])
        let out = Self.floats(try S.run(try Self.load(attributes), [[0, 0, 0], [1, 0, 0]])["Y"])
        #expect(TreeTestingONNX.close(out, [0.7310586, 0.5, 0.5, 0.98201376]))
    }

    @Test func doubleModelsNeedADoubleInput() throws {
        let doubles = Self.fixture([
            "nodes_splits": .doubles([.nan, 0.5, 2, .nan, -1]), "membership_values": .doubles([1, 3, 5, .nan, 2, 4, .nan]),
            "leaf_weights": .doubles([1.5, 10, -2.25, -7, 0.125, 100, 1000, 3]),
        ])
        let error = try #require(Self.error(doubles, elementType: .float))
        #expect(error.node == Self.label)
        #expect(error.message.contains("the input must be float64"))
        let model = try Self.load(doubles, elementType: .double)
        let x = try Tensor(float64: [0, 0, 1], shape: [1, 3])
        #expect(try model.plan.run(["X": .tensor(x)])["Y"] == .tensor(try Tensor(float64: [3, 3], shape: [1, 2])))
        let mixed = try #require(Self.error(Self.fixture(["leaf_weights": .doubles([1, 2, 3, 4, 5, 6, 7, 8])])))
        #expect(mixed.message == "attribute 'leaf_weights': is float64 but 'nodes_splits' is float32; they must have the same type.")
    }

    @Test func badAttributesAreRefused() throws {
        let cases: [([String: S.Attribute], String)] = [
            (["nodes_modes": .uint8s([6, 0, 3, 6, 7])], "attribute 'nodes_modes': mode '7' of node 4 is not one of"),
            (["nodes_modes": .float32s([6, 0, 3, 6, 1])], "attribute 'nodes_modes': must be a uint8 tensor, not float"),
            (["nodes_featureids": .ints([2, 0, 1])], "attribute 'nodes_featureids': has 3 entries but 'nodes_modes' has 5"),
            (["nodes_featureids": .ints([2, -3, 1, 2, 0])], "attribute 'nodes_featureids': feature index '-3' of node 1 is out of range."),
            (["nodes_falsenodeids": .ints([0, 9, 3, 5, 7])], "attribute 'nodes_falsenodeids': node 1 points to leaf '9', which does not exist."),
            (["nodes_falseleafs": .ints([1, 2, 0, 1, 1])], "attribute 'nodes_falseleafs': value '2' must be 0 or 1."),
            (["leaf_targetids": .ints([0, 0, 1, 0, 2, 0, 0, 1])], "attribute 'leaf_targetids': target '2' of leaf 4 is out of range for 2 targets."),
            (["tree_roots": .ints([0, 2, 9])], "attribute 'tree_roots': root '9' of tree 2 is not a node"),
            (["membership_values": .float32s([1, 3, 5, Self.nan])], "attribute 'membership_values': holds 1 sets but 2 nodes use BRANCH_MEMBER."),
            (["membership_values": .float32s([1, 3, Self.nan, Self.nan, 2])], "attribute 'membership_values': holds 3 sets but 2 nodes use BRANCH_MEMBER."),
            (["membership_values": .float32s([Self.nan, 2, 4, Self.nan])], "attribute 'membership_values': the set of node 0 is empty."),
            (["aggregate_function": .int(9)], "attribute 'aggregate_function': '9' is not one of"),
            (["post_transform": .int(7)], "attribute 'post_transform': '7' is not one of"),
            (["n_targets": .int(0)], "attribute 'n_targets': '0' must be between 1"),
        ]
        for (changes, message) in cases {
            let error = try #require(Self.error(Self.fixture(changes)), "\(changes)")
            #expect(error.node == Self.label)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
        var noTargets = Self.fixture()
        noTargets["n_targets"] = nil
        #expect(Self.error(noTargets)?.code == .missingAttribute)
    }

    @Test func cyclesAndSharedSubtreesAreRefused() throws {
        // Node 0's false side leads back to node 0 itself.
        let cycle = try #require(Self.error(Self.fixture(["nodes_falseleafs": .ints([0, 1, 0, 1, 1])])))
        #expect(cycle.message == "attribute 'nodes_falsenodeids': node 0 points to node '0', which is already part of a tree: trees must not have cycles or shared subtrees.")
        // Tree 1's root is node 1, already inside tree 0.
        let shared = try #require(Self.error(Self.fixture(["tree_roots": .ints([0, 1, 4])])))
        #expect(shared.message == "attribute 'tree_roots': root '1' of tree 1 is already part of another tree.")
    }
}
