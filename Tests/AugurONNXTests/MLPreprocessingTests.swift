import AugurEngine
import Testing
@testable import AugurONNX

/// Scaler, Normalizer, Binarizer, Imputer and OneHotEncoder through the ONNX importer.
/// Expected values were computed with onnxruntime 1.23.2 in the project venv.
@Suite struct MLPreprocessingTests {
    func single(_ op: String, _ attributes: [Onnx_AttributeProto], type: Int32 = MLTestModel.float,
                shape: [Int64?]? = [nil, 3]) throws -> ONNXModel {
        try MLTestModel.load(op, attributes, inputs: [.init("X", type, shape)], outputs: ["Y"])
    }

    func run(_ model: ONNXModel, _ x: Tensor) throws -> Value {
        try #require(try MLTestModel.run(model, ["X": x])["Y"])
    }

    @Test func scalerPerFeatureAndBroadcast() throws {
        let x = try Tensor(float32: [1, 2, 3, -1, 0.5, 2], shape: [2, 3])
        let perFeature = try single("Scaler", [Attr.floats("offset", [0.5, -1, 2]), Attr.floats("scale", [2, 0.5, -1.5])])
        #expect(try run(perFeature, x).floats.values == [1, 1.5, -1.5, -3, 0.75, -0])
        let one = try single("Scaler", [Attr.floats("offset", [0.5]), Attr.floats("scale", [3])])
        #expect(try run(one, x).floats.values == [1.5, 4.5, 7.5, -4.5, 0, 4.5])
    }

    @Test func scalerConvertsDoublesAndIntegers() throws {
        let d = try single("Scaler", [Attr.floats("offset", [0.1, 0.2, 0.3]), Attr.floats("scale", [0.7, 0.11, 1.3])],
                           type: MLTestModel.double)
        #expect(try run(d, Tensor(float64: [1.1, 2.2, 3.3], shape: [1, 3])).floats.values == [0.69999999, 0.22, 3.8999999])
        let i = try single("Scaler", [Attr.floats("offset", [0.5]), Attr.floats("scale", [0.25])], type: MLTestModel.int64)
        let y = try run(i, Tensor(int64: [3, -4, 0, 7, 1, 2], shape: [2, 3])).floats
        #expect(y.values == [0.625, -1.125, -0.125, 1.625, 0.125, 0.375])
        #expect(y.shape == [2, 3])
    }

    @Test(arguments: [
        ("MAX", [1, -1.3333334, 0.33333334, 0, 0, 0, 4, 2, 1] as [Float]),
        ("L1", [0.375, -0.5, 0.125, 0, 0, 0, -0.5714286, -0.2857143, -0.14285715]),
        ("L2", [0.58834839, -0.78446454, 0.19611613, 0, 0, 0, -0.87287158, -0.43643579, -0.21821789]),
    ])
    func normalizer(norm: String, expected: [Float]) throws {
        let model = try single("Normalizer", [Attr.string("norm", norm)])
        let x = try Tensor(float32: [3, -4, 1, 0, 0, 0, -2, -1, -0.5], shape: [3, 3])
        #expect(mlClose(try run(model, x).floats.values, expected))
        let ints = try single("Normalizer", [Attr.string("norm", norm)], type: MLTestModel.int32)
        #expect(mlClose(try run(ints, Tensor(int32: [3, -4, 1, 0, 0, 0], shape: [2, 3])).floats.values, Array(expected.prefix(6))))
    }

    @Test func binarizerKeepsTypeAndRejectsNaN() throws {
        let model = try single("Binarizer", [Attr.float("threshold", 0.5)])
        #expect(try run(model, Tensor(float32: [0.5, 0.6, -1, 2, 0.4, 0.50001], shape: [2, 3])) ==
            .tensor(try Tensor(float32: [0, 1, 0, 1, 0, 1], shape: [2, 3])))
        #expect(throws: EngineError.self) { try run(model, Tensor(float32: [0, .nan, 1], shape: [1, 3])) }
        let defaulted = try single("Binarizer", [], type: MLTestModel.int64)
        #expect(try run(defaulted, Tensor(int64: [-1, 0, 2], shape: [1, 3])) == .tensor(try Tensor(int64: [0, 0, 1], shape: [1, 3])))
    }

    @Test func imputerReplacesNaNPerFeature() throws {
        let model = try single("Imputer", [Attr.floats("imputed_value_floats", [9, 8, 7]), Attr.float("replaced_value_float", .nan)])
        #expect(try run(model, Tensor(float32: [.nan, 1, .nan, 2, .nan, 3], shape: [2, 3])) ==
            .tensor(try Tensor(float32: [9, 1, 7, 2, 8, 3], shape: [2, 3])))
    }

    @Test func imputerUsesFirstValueWhenCountIsNotFeatureCount() throws {
        let model = try single("Imputer", [Attr.floats("imputed_value_floats", [1, 2, 3]), Attr.float("replaced_value_float", .nan)],
                               shape: [nil, 2])
        #expect(try run(model, Tensor(float32: [.nan, .nan, 3, .nan], shape: [2, 2])) ==
            .tensor(try Tensor(float32: [1, 1, 3, 1], shape: [2, 2])))
    }

    @Test func imputerIntegers() throws {
        let model = try single("Imputer", [Attr.ints("imputed_value_int64s", [9]), Attr.int("replaced_value_int64", -1)],
                               type: MLTestModel.int64)
        #expect(try run(model, Tensor(int64: [0, -1, 3, -1, 5, 6], shape: [2, 3])) ==
            .tensor(try Tensor(int64: [0, 9, 3, 9, 5, 6], shape: [2, 3])))
    }

    @Test func oneHotEncoderAddsTrailingAxis() throws {
        let model = try single("OneHotEncoder", [Attr.ints("cats_int64s", [10, 20, 30])], type: MLTestModel.int64, shape: [nil, 2])
        let y = try run(model, Tensor(int64: [10, 30, 25, 20], shape: [2, 2])).floats
        #expect(y.shape == [2, 2, 3])
        #expect(y.values == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])
        let strict = try single("OneHotEncoder", [Attr.ints("cats_int64s", [10]), Attr.int("zeros", 0)], type: MLTestModel.int64, shape: [nil, 2])
        #expect(throws: EngineError.self) { try run(strict, Tensor(int64: [10, 11], shape: [1, 2])) }
    }

    @Test func oneHotEncoderTruncatesFloatsAndMatchesStrings() throws {
        let floats = try single("OneHotEncoder", [Attr.ints("cats_int64s", [1, 2, 3])], shape: [nil])
        let y = try run(floats, Tensor(float32: [1.7, 2.2, -0.5, .nan], shape: [4])).floats
        #expect(y.shape == [4, 3])
        #expect(y.values == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        let strings = try single("OneHotEncoder", [Attr.strings("cats_strings", ["a", "b", "a"])], type: MLTestModel.string, shape: [nil])
        #expect(try run(strings, Tensor(string: ["a", "b", "c"], shape: [3])).floats.values == [0, 0, 1, 0, 1, 0, 0, 0, 0])
    }
}
