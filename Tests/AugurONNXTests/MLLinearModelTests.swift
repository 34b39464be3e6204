import AugurEngine
import Testing
@testable import AugurONNX

/// LinearClassifier and LinearRegressor through the ONNX importer. Expected values were
/// computed with onnxruntime 1.23.2 in the project venv (same models built with onnx.helper).
@Suite struct MLLinearModelTests {
    static var x: Tensor { get throws { try Tensor(float32: [1, 2, 3, -1, 0.5, 2, 0.3, -0.7, -2], shape: [3, 3]) } }
    static let coefficients: [Float] = [0.5, -0.25, 0.125, -0.3, 0.2, 0.1, 0.05, 0.4, -0.6]

    func classifier(_ transform: String, labels: Onnx_AttributeProto = Attr.strings("classlabels_strings", ["a", "b", "c"]),
                    coefficients: [Float] = coefficients, intercepts: [Float] = [0.1, -0.2, 0.3]) throws -> ONNXModel {
        try MLTestModel.load("LinearClassifier", [
            Attr.floats("coefficients", coefficients), Attr.floats("intercepts", intercepts), labels,
            Attr.string("post_transform", transform),
        ], inputs: [.init("X", MLTestModel.float, [nil, 3])], outputs: ["label", "scores"])
    }

    @Test(arguments: [
        ("NONE", [0.47499999, 0.2, -0.65000004, -0.275, 0.40000004, -0.75000006, 0.17499998, -0.63, 1.2350001] as [Float]),
        ("LOGISTIC", [0.61656648, 0.54983401, 0.34298953, 0.43168002, 0.59868765, 0.32082129, 0.54363871, 0.34751058, 0.77469254]),
        ("SOFTMAX", [0.47979471, 0.36443871, 0.15576653, 0.27886859, 0.54770714, 0.1734242, 0.23076251, 0.10317113, 0.66606635]),
        ("SOFTMAX_ZERO", [0.47979471, 0.36443871, 0.15576653, 0.27886859, 0.54770714, 0.1734242, 0.23076251, 0.10317113, 0.66606635]),
        ("PROBIT", [-0.062705651, -0.84175611, .nan, .nan, -0.25335351, .nan, -0.93474889, .nan, .nan]),
    ])
    func multiclassScores(transform: String, expected: [Float]) throws {
        let out = try MLTestModel.run(classifier(transform), ["X": try Self.x])
        #expect(out["label"] == .tensor(try Tensor(string: ["a", "b", "c"], shape: [3])))
        let scores = try #require(out["scores"]).floats
        #expect(scores.shape == [3, 3])
        #expect(mlClose(scores.values, expected))
    }

    @Test func binaryWithTwoLabelsEmitsComplementWithoutTransform() throws {
        for transform in ["NONE", "LOGISTIC", "SOFTMAX"] {
            let model = try classifier(transform, labels: Attr.ints("classlabels_ints", [4, 9]),
                                       coefficients: [0.5, -0.25, 0.125], intercepts: [0.1])
            let out = try MLTestModel.run(model, ["X": try Self.x])
            #expect(out["label"] == .tensor(try Tensor(int64: [9, 4, 9], shape: [3])))
            let scores = try #require(out["scores"]).floats
            #expect(scores.shape == [3, 2])
            #expect(mlClose(scores.values, [0.52499998, 0.47499999, 1.275, -0.275, 0.82500005, 0.17499998]))
        }
    }

    @Test func binaryWithOtherLabelCountUsesZeroAndOne() throws {
        let model = try classifier("LOGISTIC", labels: Attr.ints("classlabels_ints", [7]),
                                   coefficients: [0.5, -0.25, 0.125], intercepts: [0.1])
        let out = try MLTestModel.run(model, ["X": try Self.x])
        #expect(out["label"] == .tensor(try Tensor(int64: [1, 0, 1], shape: [3])))
        #expect(mlClose(try #require(out["scores"]).floats.values, [0.47499999, -0.275, 0.17499998]))
        let strings = try classifier("NONE", labels: Attr.strings("classlabels_strings", ["x", "y", "z"]),
                                     coefficients: [0.5, -0.25, 0.125], intercepts: [0.1])
        #expect(try MLTestModel.run(strings, ["X": try Self.x])["label"] == .tensor(try Tensor(string: ["1", "0", "1"], shape: [3])))
    }

    @Test func binaryProbitTransformsOnlyTheFirstColumnBlock() throws {
        let model = try classifier("PROBIT", labels: Attr.ints("classlabels_ints", [7]),
                                   coefficients: [0.5, -0.25, 0.125], intercepts: [0.1])
        #expect(mlClose(try MLTestModel.run(model, ["X": try Self.x])["scores"]!.floats.values, [-0.062705651, .nan, -0.93474889]))
    }

    @Test func integerAndOneDimensionalInputs() throws {
        let model = try MLTestModel.load("LinearClassifier", [
            Attr.floats("coefficients", [0.5, 0.25, 1, 1]), Attr.floats("intercepts", [-0.1, 0]),
            Attr.ints("classlabels_ints", [1, 2]),
        ], inputs: [.init("X", MLTestModel.int32, [2])], outputs: ["label", "scores"])
        let out = try MLTestModel.run(model, ["X": try Tensor(int32: [1, 2], shape: [2])])
        #expect(out["label"] == .tensor(try Tensor(int64: [2], shape: [1])))
        #expect(out["scores"]?.floats.shape == [1, 2])
        #expect(mlClose(out["scores"]!.floats.values, [0.9, 3]))
    }

    @Test(arguments: [
        ("NONE", [0.29999998, -0.15, -0.1, -0.5, 0.19, -0.070000008] as [Float], [0.29999998, -0.1, 0.19] as [Float]),
        ("LOGISTIC", [0.57444251, 0.46257016, 0.47502083, 0.37754071, 0.54735762, 0.48250714], [0.29999998, -0.1, 0.19]),
        ("SOFTMAX", [0.61063927, 0.38936079, 0.59868765, 0.40131232, 0.56463629, 0.43536368], [0.29999998, -0.1, 0.19]),
        ("PROBIT", [-0.52444589, .nan, .nan, .nan, -0.87804157, .nan], [-0.52444589, .nan, -0.87804157]),
    ])
    func regressor(transform: String, twoTargets: [Float], oneTarget: [Float]) throws {
        let two = try MLTestModel.load("LinearRegressor", [
            Attr.floats("coefficients", [0.1, 0.2, -0.1, 0.3, -0.2, 0.05]), Attr.floats("intercepts", [0.1, -0.2]),
            Attr.int("targets", 2), Attr.string("post_transform", transform),
        ], inputs: [.init("X", MLTestModel.float, [nil, 3])], outputs: ["Y"])
        let y2 = try #require(try MLTestModel.run(two, ["X": try Self.x])["Y"]).floats
        #expect(y2.shape == [3, 2])
        #expect(mlClose(y2.values, twoTargets))
        let one = try MLTestModel.load("LinearRegressor", [
            Attr.floats("coefficients", [0.1, 0.2, -0.1]), Attr.floats("intercepts", [0.1]),
            Attr.string("post_transform", transform),
        ], inputs: [.init("X", MLTestModel.float, [nil, 3])], outputs: ["Y"])
        let y1 = try #require(try MLTestModel.run(one, ["X": try Self.x])["Y"]).floats
        #expect(y1.shape == [3, 1])
        #expect(mlClose(y1.values, oneTarget))
    }

    @Test func wrongFeatureCountIsAnInferenceError() throws {
        let model = try MLTestModel.load("LinearRegressor", [Attr.floats("coefficients", [0.1, 0.2, -0.1])],
                                         inputs: [.init("X", MLTestModel.float, [nil, nil])], outputs: ["Y"])
        #expect(throws: EngineError.self) {
            try MLTestModel.run(model, ["X": try Tensor(float32: [1, 2], shape: [1, 2])])
        }
    }
}
