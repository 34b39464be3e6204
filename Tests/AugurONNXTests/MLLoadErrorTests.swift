import AugurEngine
import Foundation
import Testing
@testable import AugurONNX

/// Load-time rejection of bad ai.onnx.ml attributes and input types, with messages naming the
/// attribute and the bad value.
@Suite struct MLLoadErrorTests {
    func load(_ op: String, _ attributes: [Onnx_AttributeProto], input: Int32 = MLTestModel.float,
              shape: [Int64?]? = [nil, 2], outputs: [String] = ["Y"], opset: Int64 = 1) throws {
        _ = try MLTestModel.load(op, attributes, inputs: [.init("X", input, shape)], outputs: outputs, opset: opset)
    }

    /// The load error, or nil when the model loaded.
    func loadError(_ op: String, _ attributes: [Onnx_AttributeProto], input: Int32 = MLTestModel.float,
                   shape: [Int64?]? = [nil, 2], opset: Int64 = 1) -> EngineError? {
        do {
            try load(op, attributes, input: input, shape: shape, opset: opset)
            return nil
        } catch {
            return error as? EngineError
        }
    }

    let linear = [Attr.floats("coefficients", [1, 2, 3, 4]), Attr.floats("intercepts", [0, 1]), Attr.ints("classlabels_ints", [0, 1])]

    @Test func unknownPostTransform() {
        #expect(throws: EngineError(.invalidAttribute, node: "'n' (LinearClassifier)",
            "attribute 'post_transform': unknown transform 'FOO'; expected NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO or PROBIT.")) {
            try load("LinearClassifier", linear + [Attr.string("post_transform", "FOO")], outputs: ["L", "Y"])
        }
        #expect(loadError("LinearRegressor", [Attr.floats("coefficients", [1, 2]), Attr.string("post_transform", "softmax")])?
            .message.contains("'softmax'") == true)
    }

    @Test func linearClassifierShapes() {
        #expect(throws: EngineError(.invalidAttribute, node: "'n' (LinearClassifier)",
            "attribute 'coefficients': '3' values do not form one row per class for 2 classes.")) {
            try load("LinearClassifier", [Attr.floats("coefficients", [1, 2, 3]), Attr.floats("intercepts", [0, 1]),
                                          Attr.ints("classlabels_ints", [0, 1])])
        }
        #expect(throws: EngineError(.invalidAttribute, node: "'n' (LinearClassifier)",
            "attribute 'classlabels_strings': '1' labels for 2 classes.")) {
            try load("LinearClassifier", [Attr.floats("coefficients", [1, 2, 3, 4]), Attr.floats("intercepts", [0, 1]),
                                          Attr.strings("classlabels_strings", ["a"])])
        }
        #expect(loadError("LinearClassifier", [Attr.floats("coefficients", [1, 2]), Attr.ints("classlabels_ints", [0, 1])])?.code == .missingAttribute)
        #expect(loadError("LinearClassifier", [Attr.floats("coefficients", [1, 2]), Attr.floats("intercepts", [0])])?.code == .missingAttribute)
        #expect(loadError("LinearClassifier", linear + [Attr.strings("classlabels_strings", ["a", "b"])])?.message ==
            "attribute 'classlabels_ints': only one of 'classlabels_ints' and 'classlabels_strings' may be given.")
        #expect(loadError("LinearClassifier", linear + [Attr.int("multi_class", 3)])?.message.contains("'3'") == true)
        #expect(loadError("LinearClassifier", linear, shape: [nil, 3])?.code == .typeMismatch)
        #expect(loadError("LinearClassifier", linear, input: MLTestModel.string)?.code == .typeMismatch)
        #expect(loadError("LinearClassifier", linear, shape: [1, 1, 2])?.code == .typeMismatch)
    }

    @Test func linearRegressorShapes() {
        #expect(loadError("LinearRegressor", [Attr.floats("coefficients", [1, 2]), Attr.floats("intercepts", [0, 1])])?.message ==
            "attribute 'intercepts': '2' values for 1 targets.")
        #expect(loadError("LinearRegressor", [Attr.floats("coefficients", [1, 2, 3]), Attr.int("targets", 2)])?.message ==
            "attribute 'coefficients': '3' values do not form one row per target for 2 targets.")
        #expect(loadError("LinearRegressor", [Attr.floats("coefficients", [1, 2]), Attr.int("targets", 0)])?.message ==
            "attribute 'targets': '0' is not a positive count.")
        #expect(loadError("LinearRegressor", [])?.code == .missingAttribute)
        #expect(loadError("LinearRegressor", [Attr.floats("coefficients", [1, 2])], shape: [nil, 3])?.code == .typeMismatch)
    }

    @Test func scalerNormalizerBinarizer() {
        #expect(loadError("Scaler", [Attr.floats("scale", [1, 2]), Attr.floats("offset", [1])])?.message ==
            "attribute 'offset': has '1' values but 'scale' has 2.")
        #expect(loadError("Scaler", [Attr.floats("offset", [1])])?.code == .missingAttribute)
        #expect(loadError("Scaler", [Attr.floats("scale", [1, 2, 3]), Attr.floats("offset", [1, 2, 3])])?.code == .typeMismatch)
        #expect(loadError("Normalizer", [Attr.string("norm", "L3")])?.message == "attribute 'norm': unknown norm 'L3'; expected MAX, L1 or L2.")
        #expect(loadError("Normalizer", [], shape: [1, 2, 3])?.code == .typeMismatch)
        #expect(loadError("Binarizer", [], input: MLTestModel.string)?.code == .typeMismatch)
        #expect(loadError("Binarizer", [Attr.ints("threshold", [1])])?.message.contains("'threshold'") == true)
    }

    @Test func imputerAndOneHot() {
        #expect(loadError("Imputer", [])?.code == .missingAttribute)
        #expect(loadError("Imputer", [Attr.floats("imputed_value_floats", [1]), Attr.ints("imputed_value_int64s", [1])])?.code == .invalidAttribute)
        #expect(loadError("Imputer", [Attr.ints("imputed_value_int64s", [1])])?.code == .typeMismatch)
        #expect(loadError("Imputer", [Attr.ints("imputed_value_int64s", [1 << 40])], input: MLTestModel.int32)?.message
            .contains("'1099511627776'") == true)
        #expect(loadError("OneHotEncoder", [Attr.ints("cats_int64s", [1])], input: MLTestModel.string)?.code == .typeMismatch)
        #expect(loadError("OneHotEncoder", [Attr.strings("cats_strings", ["a"]), Attr.ints("cats_int64s", [1])])?.code == .invalidAttribute)
        #expect(loadError("OneHotEncoder", [])?.code == .missingAttribute)
    }

    @Test func labelEncoders() {
        let keys = Attr.strings("keys_strings", ["a", "b"])
        #expect(loadError("LabelEncoder", [keys, Attr.ints("values_int64s", [1])], input: MLTestModel.string, opset: 2)?.message ==
            "attribute 'values_int64s': has '1' values but 'keys_strings' has 2 keys.")
        #expect(loadError("LabelEncoder", [keys, Attr.ints("keys_int64s", [1, 2]), Attr.ints("values_int64s", [1, 2])],
                          input: MLTestModel.string, opset: 2)?.code == .invalidAttribute)
        #expect(loadError("LabelEncoder", [Attr.ints("values_int64s", [1])], input: MLTestModel.string, opset: 4)?.code == .missingAttribute)
        #expect(loadError("LabelEncoder", [keys, Attr.ints("values_int64s", [1, 2])], input: MLTestModel.int64, opset: 4)?.code == .typeMismatch)
        let wrongDefault = Attr.tensor("default_tensor", type: MLTestModel.float, dims: [1]) { $0.floatData = [1] }
        #expect(loadError("LabelEncoder", [keys, Attr.ints("values_int64s", [1, 2]), wrongDefault], input: MLTestModel.string, opset: 4)?
            .message == "attribute 'default_tensor': is float32 but the values are int64.")
        let twoDefaults = Attr.tensor("default_tensor", type: MLTestModel.int64, dims: [2]) { $0.int64Data = [1, 2] }
        #expect(loadError("LabelEncoder", [keys, Attr.ints("values_int64s", [1, 2]), twoDefaults], input: MLTestModel.string, opset: 4)?
            .code == .invalidAttribute)
        let matrix = Attr.tensor("keys_tensor", type: MLTestModel.int64, dims: [1, 2]) { $0.int64Data = [1, 2] }
        #expect(loadError("LabelEncoder", [matrix, Attr.ints("values_int64s", [1, 2])], input: MLTestModel.int64, opset: 4)?
            .code == .invalidAttribute)
        #expect(loadError("LabelEncoder", [], input: MLTestModel.string, opset: 1)?.code == .missingAttribute)
        #expect(loadError("LabelEncoder", [Attr.strings("classes_strings", ["a"])], input: MLTestModel.float, opset: 1)?.code == .typeMismatch)
    }

    @Test func categoryMapperZipMapAndFeatures() {
        #expect(loadError("CategoryMapper", [Attr.strings("cats_strings", ["a", "b"]), Attr.ints("cats_int64s", [1])],
                          input: MLTestModel.string)?.message == "attribute 'cats_int64s': has '1' values but 'cats_strings' has 2.")
        #expect(loadError("ZipMap", [Attr.ints("classlabels_int64s", [1, 2, 3])])?.code == .typeMismatch)
        #expect(loadError("ZipMap", [Attr.ints("classlabels_int64s", [1, 2]), Attr.strings("classlabels_strings", ["a", "b"])])?
            .code == .invalidAttribute)
        #expect(loadError("ZipMap", [Attr.ints("classlabels_int64s", [1, 2])], input: MLTestModel.double)?.code == .typeMismatch)
        #expect(loadError("FeatureVectorizer", [Attr.ints("inputdimensions", [2, 2])])?.message ==
            "attribute 'inputdimensions': has '2' values but the node has 1 inputs.")
        #expect(loadError("FeatureVectorizer", [Attr.ints("inputdimensions", [-1])])?.message ==
            "attribute 'inputdimensions': dimension '-1' is negative.")
        #expect(throws: EngineError.self) {
            _ = try MLTestModel.load("ArrayFeatureExtractor", [], inputs: [.init("X", MLTestModel.float), .init("I", MLTestModel.int32)],
                                     outputs: ["Z"])
        }
    }
}
