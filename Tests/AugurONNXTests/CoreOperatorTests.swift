import AugurEngine
@testable import AugurONNX
import Foundation
import Testing

/// The ai.onnx core operators against onnxruntime on edge cases (Tests/CoreFixtures, made by
/// scripts/make_core_fixtures.py), and their load-time checks.
@Suite struct CoreOperatorTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CoreFixtures")

    @Test(arguments: Fixture.all(in: directory))
    func matchesOnnxRuntime(_ fixture: Fixture) throws {
        let model = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: fixture.model.path)))
        let outputs = try model.plan.run(try fixture.inputs())
        for (name, reference) in try fixture.expected().sorted(by: { $0.key < $1.key }) {
            guard let actual = outputs[name] else {
                Issue.record("output '\(name)' missing")
                continue
            }
            let problems = differences(actual, reference)
            #expect(problems.isEmpty, "output '\(name)': \(problems.joined(separator: "; "))")
        }
    }

    @Test func fixturesArePresent() {
        #expect(Fixture.all(in: Self.directory).count >= 15, "run scripts/make_core_fixtures.py")
    }

    /// A one-node model with float inputs `x` (shape [2, 3]) and `y`, for load-error tests.
    static func load(_ node: Onnx_NodeProto, opset: Int64 = 13, inputs: [String] = ["x"]) throws -> ONNXModel {
        var graph = Onnx_GraphProto()
        graph.node = [node]
        graph.input = inputs.map { name in
            var info = Onnx_ValueInfoProto()
            info.name = name
            var type = Onnx_TypeProto()
            var tensor = Onnx_TypeProto.Tensor()
            tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            var shape = Onnx_TensorShapeProto()
            shape.dim = [Int64(2), 3].map { var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = $0; return d }
            tensor.shape = shape
            type.tensorType = tensor
            info.type = type
            return info
        }
        graph.output = node.output.map { var o = Onnx_ValueInfoProto(); o.name = $0; return o }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = graph
        return try ONNXImporter().load(model)
    }

    static func node(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "n"
        node.input = inputs
        node.output = ["out"]
        node.attribute = attributes
        return node
    }

    static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = value
        return a
    }

    static func loadError(_ body: () throws -> ONNXModel) -> EngineError? {
        do { _ = try body() } catch let error as EngineError { return error } catch { return nil }
        return nil
    }

    @Test func axisOutOfRangeIsALoadError() {
        let error = Self.loadError { try Self.load(Self.node("Softmax", ["x"], [Self.int("axis", 2)])) }
        #expect(error?.code == .invalidAttribute)
        #expect(error?.message.contains("'2'") == true)
    }

    @Test func castToUnknownTypeIsRejected() {
        let error = Self.loadError { try Self.load(Self.node("Cast", ["x"], [Self.int("to", 10)])) }
        #expect(error?.code == .unsupportedType)
        #expect(error?.message.contains("attribute 'to'") == true)
    }

    @Test func badFlagIsRejected() {
        let error = Self.loadError { try Self.load(Self.node("Gemm", ["x", "y"], [Self.int("transA", 2)]), inputs: ["x", "y"]) }
        #expect(error?.message == "attribute 'transA': '2' must be 0 or 1.")
    }

    @Test func incompatibleBroadcastIsALoadError() {
        // [2, 3] + [2, 3] is fine; MatMul [2, 3] x [2, 3] has mismatched inner dimensions.
        #expect(Self.loadError { try Self.load(Self.node("Add", ["x", "y"]), inputs: ["x", "y"]) } == nil)
        #expect(Self.loadError { try Self.load(Self.node("MatMul", ["x", "y"]), inputs: ["x", "y"]) }?.code == .typeMismatch)
    }

    @Test func typeMismatchIsALoadError() {
        let error = Self.loadError { try Self.load(Self.node("Not", ["x"])) }
        #expect(error?.code == .typeMismatch)
    }

    @Test func legacyAxesAttributeIsRefusedFromOpset13() {
        var axes = Onnx_AttributeProto()
        axes.name = "axes"
        axes.type = .ints
        axes.ints = [0]
        let error = Self.loadError { try Self.load(Self.node("ReduceSum", ["x"], [axes])) }
        #expect(error?.code == .invalidAttribute)
    }

    @Test func unsortedTopKIsUnsupported() {
        var node = Self.node("TopK", ["x"], [Self.int("k", 1), Self.int("sorted", 0)])
        node.output = ["v", "i"]
        let error = Self.loadError { try Self.load(node, opset: 9) }
        #expect(error?.code == .unsupportedFeature)
    }
}
