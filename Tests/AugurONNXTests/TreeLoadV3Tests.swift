import Testing
@testable import AugurEngine
@testable import AugurONNX

/// Load-time checks of TreeEnsembleRegressor / TreeEnsembleClassifier (ai.onnx.ml 1 and 3):
/// every bad attribute is a EngineError naming the node, the attribute and the value.
@Suite struct TreeLoadV3Tests {
    typealias S = TreeLoadSupport

    static let regressorLabel = "'trees' (TreeEnsembleRegressor)"

    static func regressor(_ changes: [String: S.Attribute] = [:]) -> [String: S.Attribute] {
        S.stump().with([
            "n_targets": .int(1), "target_treeids": .ints([0, 0]), "target_nodeids": .ints([1, 2]),
            "target_ids": .ints([0, 0]), "target_weights": .floats([1, 4]),
        ]).with(changes)
    }

    static func classifier(_ changes: [String: S.Attribute] = [:]) -> [String: S.Attribute] {
        S.stump().with([
            "classlabels_int64s": .ints([5, 7]), "class_treeids": .ints([0, 0]), "class_nodeids": .ints([1, 2]),
            "class_ids": .ints([1, 1]), "class_weights": .floats([0.2, 0.7]),
        ]).with(changes)
    }

    /// The load error for a regressor with `changes`, or nil when it loads.
    static func regressorError(_ changes: [String: S.Attribute], opset: Int = 3) -> EngineError? {
        do {
            _ = try S.build(S.node("TreeEnsembleRegressor", outputs: ["Y"], regressor(changes)), opset: opset)
            return nil
        } catch let error as EngineError {
            return error
        } catch {
            return EngineError(.invalidFile, "unexpected \(error)")
        }
    }

    static func classifierError(_ changes: [String: S.Attribute]) -> EngineError? {
        do {
            _ = try S.build(S.node("TreeEnsembleClassifier", outputs: ["L", "S"], classifier(changes)), opset: 3)
            return nil
        } catch let error as EngineError {
            return error
        } catch {
            return EngineError(.invalidFile, "unexpected \(error)")
        }
    }

    @Test func validModelsLoadAtOpsetsOneAndThree() throws {
        #expect(Self.regressorError([:], opset: 1) == nil)
        #expect(Self.regressorError([:], opset: 3) == nil)
        #expect(Self.regressorError([:], opset: 5) == nil)
        #expect(Self.classifierError([:]) == nil)
    }

    @Test func mismatchedLengthsNameBothAttributes() throws {
        let error = try #require(Self.regressorError(["nodes_featureids": .ints([0, 0])]))
        #expect(error.node == Self.regressorLabel)
        #expect(error.message == "attribute 'nodes_featureids': has 2 entries but 'nodes_nodeids' has 3; they must be equal.")
        let weights = try #require(Self.regressorError(["target_weights": .floats([1])]))
        #expect(weights.message.hasPrefix("attribute 'target_weights': has 1 entries but 'target_ids' has 2"))
        let missing = try #require(Self.regressorError(["nodes_missing_value_tracks_true": .ints([0, 0, 0, 1])]))
        #expect(missing.message.hasPrefix("attribute 'nodes_missing_value_tracks_true'"))
    }

    @Test func danglingChildNamesNodeTreeAndTarget() throws {
        let error = try #require(Self.regressorError(["nodes_falsenodeids": .ints([7, 0, 0])]))
        #expect(error.node == Self.regressorLabel)
        #expect(error.message == "attribute 'nodes_falsenodeids': node '0' of tree '0' points to node '7', which is not in the tree.")
    }

    @Test func selfLoopAndCycleAreRefused() throws {
        let selfLoop = try #require(Self.regressorError(["nodes_truenodeids": .ints([0, 0, 0])]))
        #expect(selfLoop.message == "attribute 'nodes_truenodeids': node '0' of tree '0' points to itself.")
        // node 0 -> node 1 (branch) -> back to node 0.
        let cycle = try #require(Self.regressorError([
            "nodes_modes": .strings(["BRANCH_LEQ", "BRANCH_LEQ", "LEAF"]),
            "nodes_truenodeids": .ints([1, 0, 0]), "nodes_falsenodeids": .ints([2, 2, 0]),
        ]))
        #expect(cycle.node == Self.regressorLabel)
        #expect(cycle.message.hasPrefix("attribute 'nodes_truenodeids': node '1' of tree '0' points to node '0', which is already in the tree"))
    }

    @Test func sharedSubtreeIsRefused() throws {
        // Both children of node 0 are node 1.
        let error = try #require(Self.regressorError(["nodes_falsenodeids": .ints([1, 0, 0])]))
        #expect(error.message.contains("points to node '1', which is already in the tree"))
    }

    @Test func outOfRangeFeatureIdNamesTheValue() throws {
        let error = try #require(Self.regressorError(["nodes_featureids": .ints([-3, 0, 0])]))
        #expect(error.message == "attribute 'nodes_featureids': feature index '-3' of node '0' in tree '0' is out of range.")
        let huge = try #require(Self.regressorError(["nodes_featureids": .ints([1 << 40, 0, 0])]))
        #expect(huge.message.contains("feature index '1099511627776'"))
    }

    @Test func outOfRangeClassAndTargetIds() throws {
        let classError = try #require(Self.classifierError(["class_ids": .ints([1, 3])]))
        #expect(classError.node == "'trees' (TreeEnsembleClassifier)")
        #expect(classError.message == "attribute 'class_ids': class index '3' is out of range for 2 classes.")
        let target = try #require(Self.regressorError(["target_ids": .ints([0, -1])]))
        #expect(target.message == "attribute 'target_ids': target index '-1' is out of range for 1 targets.")
    }

    @Test func weightForMissingNodeIsRefused() throws {
        let error = try #require(Self.regressorError(["target_nodeids": .ints([1, 9])]))
        #expect(error.message == "attribute 'target_nodeids': weight 1 refers to node '9' of tree '0', which does not exist.")
    }

    @Test func unknownStringsAreRefused() throws {
        let mode = try #require(Self.regressorError(["nodes_modes": .strings(["BRANCH_FOO", "LEAF", "LEAF"])]))
        #expect(mode.message.hasPrefix("attribute 'nodes_modes': mode 'BRANCH_FOO' of node '0' in tree '0' is not one of"))
        let post = try #require(Self.regressorError(["post_transform": .string("FOO")]))
        #expect(post.message.hasPrefix("attribute 'post_transform': 'FOO' is not one of"))
        let aggregate = try #require(Self.regressorError(["aggregate_function": .string("MEDIAN")]))
        #expect(aggregate.message.hasPrefix("attribute 'aggregate_function': 'MEDIAN' is not one of"))
    }

    @Test func duplicateAndScatteredIdsAreRefused() throws {
        let duplicate = try #require(Self.regressorError(["nodes_nodeids": .ints([0, 1, 1])]))
        #expect(duplicate.message == "attribute 'nodes_nodeids': node '1' appears twice in tree '0'.")
        // Tree 0 comes back after tree 1.
        let scattered = try #require(Self.regressorError([
            "nodes_treeids": .ints([0, 1, 0]), "nodes_modes": .strings(["LEAF", "LEAF", "LEAF"]),
            "target_treeids": .ints([0, 1]), "target_nodeids": .ints([0, 1]),
        ]))
        #expect(scattered.message.hasPrefix("attribute 'nodes_treeids': the nodes of tree '0' are not listed together"))
    }

    @Test func targetsLabelsAndBaseValuesAreChecked() throws {
        let targets = try #require(Self.regressorError(["n_targets": .int(0)]))
        #expect(targets.message.hasPrefix("attribute 'n_targets': '0' must be between 1"))
        let base = try #require(Self.regressorError(["base_values": .floats([1, 2])]))
        #expect(base.message == "attribute 'base_values': has 2 values for 1 targets; give none or one per target.")
        let labels = try #require(Self.classifierError(["classlabels_strings": .strings(["a", "b"])]))
        #expect(labels.message.hasPrefix("attribute 'classlabels_strings': is given together with 'classlabels_int64s'"))
        let three = try #require(Self.classifierError(["classlabels_int64s": .ints([1, 2, 3]), "base_values": .floats([1, 2])]))
        #expect(three.message.hasPrefix("attribute 'base_values': has 2 values for 3 classes"))
    }

    @Test func bothValueFormsAreRefused() throws {
        let error = try #require(Self.regressorError(["nodes_values_as_tensor": .doubles([0.5, 0, 0])]))
        #expect(error.message.hasPrefix("attribute 'nodes_values': is given both as 'nodes_values' and 'nodes_values_as_tensor'"))
    }

    @Test func doubleValuesNeedADoubleInput() throws {
        var attributes = Self.regressor()
        attributes["nodes_values"] = nil
        attributes["nodes_values_as_tensor"] = .doubles([0.5, 0, 0])
        let node = S.node("TreeEnsembleRegressor", outputs: ["Y"], attributes)
        #expect(throws: EngineError.self) { try S.load(node, opset: 3, elementType: .float) }
        let model = try S.load(node, opset: 3, elementType: .double)
        let x = try Tensor(float64: [0.5, 0.5000000001], shape: [2, 1])
        #expect(try model.plan.run(["X": .tensor(x)])["Y"] == .tensor(try Tensor(float32: [1, 4], shape: [2, 1])))
    }

    @Test func staticFeatureCountIsCheckedAtLoad() throws {
        let node = S.node("TreeEnsembleRegressor", outputs: ["Y"], Self.regressor(["nodes_featureids": .ints([3, 0, 0])]))
        #expect(throws: EngineError.self) { try S.load(node, opset: 3, features: 3) }
        let model = try S.load(node, opset: 3)
        #expect(throws: EngineError.self) { try S.run(model, [[1, 2, 3]]) }
        #expect(model.treeEnsembles.first?.stats.featureCount == 4)
    }
}
