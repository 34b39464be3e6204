import AugurEngine
import Foundation
import Testing
@testable import AugurONNX

/// LabelEncoder (opsets 1, 2, 4) and CategoryMapper through the ONNX importer. Expected values
/// were computed with onnxruntime 1.23.2 in the project venv.
@Suite struct MLEncodingTests {
    func encoder(_ attributes: [Onnx_AttributeProto], input: Int32, opset: Int64) throws -> ONNXModel {
        try MLTestModel.load("LabelEncoder", attributes, inputs: [.init("X", input, [nil])], outputs: ["Y"], opset: opset)
    }

    func run(_ model: ONNXModel, _ x: Tensor) throws -> Value? {
        try MLTestModel.run(model, ["X": x])["Y"]
    }

    @Test func opset1MapsBothWays() throws {
        let classes = Attr.strings("classes_strings", ["a", "b", "a"])
        let toInt = try encoder([classes], input: MLTestModel.string, opset: 1)
        #expect(try run(toInt, Tensor(string: ["a", "b", "z"], shape: [3])) == .tensor(try Tensor(int64: [2, 1, -1], shape: [3])))
        let toString = try encoder([classes, Attr.string("default_string", "q")], input: MLTestModel.int64, opset: 1)
        #expect(try run(toString, Tensor(int64: [1, 7], shape: [2])) == .tensor(try Tensor(string: ["b", "q"], shape: [2])))
    }

    @Test func opset2DefaultsAndFirstKeyWins() throws {
        let ints = try encoder([Attr.ints("keys_int64s", [1, 1, 2]), Attr.ints("values_int64s", [10, 11, 20])],
                               input: MLTestModel.int64, opset: 2)
        #expect(try run(ints, Tensor(int64: [1, 2, 3], shape: [3])) == .tensor(try Tensor(int64: [10, 20, -1], shape: [3])))
        let floats = try encoder([Attr.strings("keys_strings", ["a"]), Attr.floats("values_floats", [3])],
                                 input: MLTestModel.string, opset: 2)
        let y = try #require(try run(floats, Tensor(string: ["a", "c"], shape: [2])))
        #expect(y == .tensor(try Tensor(float32: [3, -0.0], shape: [2])))
        #expect(y.floats.values[1].sign == .minus)
        let strings = try encoder([Attr.ints("keys_int64s", [0]), Attr.strings("values_strings", ["zero"])],
                                  input: MLTestModel.int64, opset: 2)
        #expect(try run(strings, Tensor(int64: [0, 5], shape: [2])) == .tensor(try Tensor(string: ["zero", "_Unused"], shape: [2])))
    }

    @Test func nanKeysMatchOnlyFromOpset4() throws {
        let attributes = [Attr.floats("keys_floats", [.nan, 1]), Attr.strings("values_strings", ["n", "one"])]
        let x = try Tensor(float32: [.nan, 1, 3], shape: [3])
        #expect(try run(encoder(attributes, input: MLTestModel.float, opset: 2), x) ==
            .tensor(try Tensor(string: ["_Unused", "one", "_Unused"], shape: [3])))
        #expect(try run(encoder(attributes, input: MLTestModel.float, opset: 4), x) ==
            .tensor(try Tensor(string: ["n", "one", "_Unused"], shape: [3])))
    }

    @Test func opset4TensorsAndDefaultTensor() throws {
        let keys = Attr.tensor("keys_tensor", type: MLTestModel.double, dims: [2]) { $0.doubleData = [1, 2] }
        let values = Attr.tensor("values_tensor", type: MLTestModel.string, dims: [2]) { $0.stringData = [Data("x".utf8), Data("y".utf8)] }
        let plain = try encoder([keys, values], input: MLTestModel.double, opset: 4)
        #expect(try run(plain, Tensor(float64: [1, 5], shape: [2])) == .tensor(try Tensor(string: ["x", "_Unused"], shape: [2])))
        let fallback = Attr.tensor("default_tensor", type: MLTestModel.string, dims: [1]) { $0.stringData = [Data("zz".utf8)] }
        let withDefault = try encoder([keys, values, fallback], input: MLTestModel.double, opset: 4)
        #expect(try run(withDefault, Tensor(float64: [2, 5], shape: [2])) == .tensor(try Tensor(string: ["y", "zz"], shape: [2])))
        let doubles = Attr.tensor("values_tensor", type: MLTestModel.double, dims: [1]) { $0.doubleData = [1.5] }
        let toDouble = try encoder([Attr.ints("keys_int64s", [1]), doubles, Attr.float("default_float", 2.5)], input: MLTestModel.int64, opset: 4)
        #expect(try run(toDouble, Tensor(int64: [1, 5], shape: [2])) == .tensor(try Tensor(float64: [1.5, -0.0], shape: [2])))
    }

    @Test func opset4DefaultTensorWinsOverDefaultAttribute() throws {
        let fallback = Attr.tensor("default_tensor", type: MLTestModel.int64, dims: [1]) { $0.int64Data = [9] }
        let model = try encoder([Attr.ints("keys_int64s", [1]), Attr.ints("values_int64s", [3]), Attr.int("default_int64", 5), fallback],
                                input: MLTestModel.int64, opset: 4)
        #expect(try run(model, Tensor(int64: [1, 2], shape: [2])) == .tensor(try Tensor(int64: [3, 9], shape: [2])))
    }

    @Test func categoryMapperLastEntryWins() throws {
        let attributes = [Attr.strings("cats_strings", ["a", "b", "a"]), Attr.ints("cats_int64s", [1, 2, 3])]
        let toInt = try MLTestModel.load("CategoryMapper", attributes, inputs: [.init("X", MLTestModel.string, [nil])], outputs: ["Y"])
        #expect(try run(toInt, Tensor(string: ["a", "b", "z"], shape: [3])) == .tensor(try Tensor(int64: [3, 2, -1], shape: [3])))
        let toString = try MLTestModel.load("CategoryMapper", attributes + [Attr.string("default_string", "unknown")],
                                            inputs: [.init("X", MLTestModel.int64, [nil, 1])], outputs: ["Y"])
        #expect(try run(toString, Tensor(int64: [1, 9], shape: [2, 1])) == .tensor(try Tensor(string: ["a", "unknown"], shape: [2, 1])))
    }
}
