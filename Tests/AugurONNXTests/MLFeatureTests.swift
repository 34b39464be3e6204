import AugurEngine
import Testing
@testable import AugurONNX

/// ArrayFeatureExtractor, FeatureVectorizer and ZipMap through the ONNX importer. Expected
/// values and shapes were computed with onnxruntime 1.23.2 in the project venv.
@Suite struct MLFeatureTests {
    func extractor(_ x: MLTestModel.Input) throws -> ONNXModel {
        try MLTestModel.load("ArrayFeatureExtractor", [], inputs: [x, .init("I", MLTestModel.int64)], outputs: ["Z"])
    }

    @Test func extractorShapes() throws {
        let oneD = try extractor(.init("X", MLTestModel.float, [3]))
        let z1 = try MLTestModel.run(oneD, ["X": try Tensor(float32: [1, 2, 3], shape: [3]), "I": try Tensor(int64: [2, 0], shape: [2])])
        #expect(z1["Z"] == .tensor(try Tensor(float32: [3, 1], shape: [1, 2])))
        let threeD = try extractor(.init("X", MLTestModel.float, [2, 2, 3]))
        let x = try Tensor(float32: (0..<12).map { Float($0) }, shape: [2, 2, 3])
        let z3 = try MLTestModel.run(threeD, ["X": x, "I": try Tensor(int64: [2, 0], shape: [1, 2])])
        #expect(z3["Z"] == .tensor(try Tensor(float32: [2, 0, 5, 3, 8, 6, 11, 9], shape: [2, 2, 2])))
        let scalarIndex = try MLTestModel.run(threeD, ["X": x, "I": try Tensor(int64: [1], shape: [])])
        #expect(scalarIndex["Z"] == .tensor(try Tensor(float32: [1, 4, 7, 10], shape: [2, 2, 1])))
    }

    @Test func extractorStringsAndBadIndices() throws {
        let model = try extractor(.init("X", MLTestModel.string, [nil, 2]))
        let x = try Tensor(string: ["a", "b", "c", "d"], shape: [2, 2])
        #expect(try MLTestModel.run(model, ["X": x, "I": try Tensor(int64: [1], shape: [1])])["Z"] ==
            .tensor(try Tensor(string: ["b", "d"], shape: [2, 1])))
        // A negative index counts from the end (onnx's reference implementation; skl2onnx's radius neighbours).
        #expect(try MLTestModel.run(model, ["X": x, "I": try Tensor(int64: [-1, -2], shape: [2])])["Z"] ==
            .tensor(try Tensor(string: ["b", "a", "d", "c"], shape: [2, 2])))
        for bad in [try Tensor(int64: [2], shape: [1]), try Tensor(int64: [-3], shape: [1]), try Tensor(int64: [], shape: [0])] {
            #expect(throws: EngineError.self) { try MLTestModel.run(model, ["X": x, "I": bad]) }
        }
    }

    /// onnxruntime binds all inputs to one type; mixing them here follows its row rules.
    @Test func vectorizerPadsTruncatesAndFillsMissingRows() throws {
        let model = try MLTestModel.load("FeatureVectorizer", [Attr.ints("inputdimensions", [3, 1, 2])],
            inputs: [.init("A", MLTestModel.float, [nil, 2]), .init("B", MLTestModel.int64, [nil, 2]), .init("C", MLTestModel.double, [2])],
            outputs: ["Y"])
        let out = try MLTestModel.run(model, [
            "A": try Tensor(float32: [1, 2, 3, 4], shape: [2, 2]),
            "B": try Tensor(int64: [5, 6, 7, 8], shape: [2, 2]),
            "C": try Tensor(float64: [9, 10], shape: [2]),
        ])
        #expect(out["Y"] == .tensor(try Tensor(float32: [1, 2, 0, 5, 9, 10, 3, 4, 0, 7, 0, 0], shape: [2, 6])))
    }

    @Test func vectorizerRejectsMoreRowsThanTheFirstInput() throws {
        let model = try MLTestModel.load("FeatureVectorizer", [Attr.ints("inputdimensions", [2, 2])],
            inputs: [.init("A", MLTestModel.float), .init("B", MLTestModel.float)], outputs: ["Y"])
        #expect(throws: EngineError.self) {
            try MLTestModel.run(model, ["A": try Tensor(float32: [1, 2], shape: [1, 2]), "B": try Tensor(float32: [1, 2, 3, 4], shape: [2, 2])])
        }
    }

    @Test func zipMapSortsKeysAndKeepsLastDuplicate() throws {
        let model = try MLTestModel.load("ZipMap", [Attr.ints("classlabels_int64s", [3, 1, 3])],
                                         inputs: [.init("X", MLTestModel.float, [nil, 3])], outputs: ["Z"])
        let out = try MLTestModel.run(model, ["X": try Tensor(float32: [0.2, 0.3, 0.5, 0.6, 0.1, 0.3], shape: [2, 3])])
        #expect(out["Z"] == .maps(ProbabilityMaps(keys: .int64([1, 3]), scores: [0.3, 0.5, 0.1, 0.3])))
        #expect(model.plan.outputs.first?.type == .maps(key: .int64))
    }

    @Test func zipMapStringKeysAndWidthCheck() throws {
        let model = try MLTestModel.load("ZipMap", [Attr.strings("classlabels_strings", ["b", "B", "a"])],
                                         inputs: [.init("X", MLTestModel.float)], outputs: ["Z"])
        let out = try MLTestModel.run(model, ["X": try Tensor(float32: [0.2, 0.3, 0.5], shape: [3])])
        #expect(out["Z"] == .maps(ProbabilityMaps(keys: .string(["B", "a", "b"]), scores: [0.3, 0.5, 0.2])))
        #expect(throws: EngineError.self) { try MLTestModel.run(model, ["X": try Tensor(float32: [0.2, 0.8], shape: [1, 2])]) }
    }
}
