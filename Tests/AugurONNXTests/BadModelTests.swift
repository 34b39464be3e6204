import AugurEngine
import Foundation
import Testing
@testable import AugurONNX

/// Broken and hostile model files end in a clear `EngineError`, never a crash or a hang.
@Suite struct BadModelTests {
    static func model(nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], inputs: [String] = ["x"], outputs: [String] = ["y"]) -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        model.opsetImport = [opset]
        var graph = Onnx_GraphProto()
        graph.node = nodes
        graph.initializer = initializers
        graph.input = inputs.map { name in
            var v = Onnx_ValueInfoProto()
            v.name = name
            var t = Onnx_TypeProto.Tensor()
            t.elemType = 1
            v.type.tensorType = t
            return v
        }
        graph.output = outputs.map { var v = Onnx_ValueInfoProto(); v.name = $0; return v }
        model.graph = graph
        return model
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "", domain: String = "") -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.input = inputs
        n.output = outputs
        n.name = name
        n.domain = domain
        return n
    }

    func loadError(_ model: Onnx_ModelProto) throws -> EngineError? {
        do {
            _ = try ONNXImporter().load(bytes: try model.serializedData())
            return nil
        } catch let error as EngineError {
            return error
        }
    }

    @Test func randomBytesAreNotAModel() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 100, 4096] {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            #expect(throws: EngineError.self) { try ONNXImporter().load(bytes: bytes) }
        }
    }

    @Test func everyTruncationOfARealModelFailsCleanly() throws {
        let url = Fixture.root.appendingPathComponent("rf_classifier_binary_loan/model.onnx")
        let bytes = try Data(contentsOf: url)
        var rejected = 0
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            // A cut at a field boundary can still be a valid (smaller) model; anything else
            // must be a EngineError.
            do { _ = try ONNXImporter().load(bytes: bytes.prefix(length)) } catch is EngineError { rejected += 1 }
        }
        #expect(rejected > 250)
    }

    @Test func danglingInputNamesNodeAndValue() throws {
        let error = try loadError(Self.model(nodes: [Self.node("Identity", ["nowhere"], ["y"], name: "copy")]))
        #expect(error?.code == .invalidGraph)
        #expect(error?.description == "node 'copy' (Identity): input 'nowhere' is not a graph input, an initializer or the output of any node.")
    }

    @Test func cycleIsReported() throws {
        let error = try loadError(Self.model(nodes: [
            Self.node("Identity", ["b"], ["a"], name: "first"), Self.node("Identity", ["a"], ["b"], name: "second"),
        ], outputs: ["a"]))
        #expect(error?.code == .invalidGraph)
        #expect(error?.description.contains("cycle") == true)
    }

    @Test func everyUnsupportedOperatorIsListedAtOnce() throws {
        let error = try loadError(Self.model(nodes: [
            Self.node("NoSuchOp", ["x"], ["a"], name: "one"), Self.node("AnotherMissingOp", ["a"], ["y"], name: "two"),
        ]))
        #expect(error?.code == .unsupportedOperator)
        #expect(error?.description.contains("ai.onnx NoSuchOp (opset 17) at 'one' (NoSuchOp)") == true)
        #expect(error?.description.contains("ai.onnx AnotherMissingOp (opset 17) at 'two' (AnotherMissingOp)") == true)
    }

    @Test func externalDataIsRefused() throws {
        var tensor = Onnx_TensorProto()
        tensor.name = "weights"
        tensor.dataType = 1
        tensor.dims = [2]
        tensor.dataLocation = .external
        var entry = Onnx_StringStringEntryProto()
        entry.key = "location"
        entry.value = "../../etc/passwd"
        tensor.externalData = [entry]
        let error = try loadError(Self.model(nodes: [Self.node("Identity", ["weights"], ["y"])], initializers: [tensor], inputs: []))
        #expect(error?.code == .unsupportedFeature)
        #expect(error?.description.contains("tensor 'weights' keeps its data in an external file") == true)
    }

    @Test func absurdDeclaredSizesAreCheckedBeforeAllocating() throws {
        var huge = Onnx_TensorProto()
        huge.name = "huge"
        huge.dataType = 1
        huge.dims = [1 << 40, 1 << 40]
        let overflow = try loadError(Self.model(nodes: [Self.node("Identity", ["huge"], ["y"])], initializers: [huge], inputs: []))
        #expect(overflow?.description.contains("more than 268435456 elements") == true)

        huge.dims = [1 << 20]
        huge.rawData = Data([0, 0, 0, 0])
        let short = try loadError(Self.model(nodes: [Self.node("Identity", ["huge"], ["y"])], initializers: [huge], inputs: []))
        #expect(short?.description == "tensor 'huge' declares 1048576 elements but its raw data holds 4 bytes, not 4194304.")
    }

    @Test func missingGraphAndUnknownDomain() throws {
        #expect(throws: EngineError.self) { try ONNXImporter().load(bytes: try Onnx_ModelProto().serializedData()) }
        let error = try loadError(Self.model(nodes: [Self.node("Scaler", ["x"], ["y"], name: "s", domain: "ai.onnx.ml")]))
        #expect(error?.description == "node 's' (Scaler): uses domain 'ai.onnx.ml', which the model does not import.")
    }
}
