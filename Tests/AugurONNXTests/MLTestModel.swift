import AugurEngine
import Foundation
@testable import AugurONNX

/// Builds one-node ai.onnx.ml models in memory for the ML operator tests.
enum MLTestModel {
    /// ONNX element type codes.
    static let float: Int32 = 1, int32: Int32 = 6, string: Int32 = 8, int64: Int32 = 7, double: Int32 = 11

    /// A graph input: name, element type code, and dims (nil = symbolic); `shape` nil = unranked.
    struct Input {
        var name: String
        var type: Int32
        var shape: [Int64?]?
        init(_ name: String, _ type: Int32, _ shape: [Int64?]? = nil) {
            self.name = name
            self.type = type
            self.shape = shape
        }
    }

    /// Loads a model made of one `op` node of the ai.onnx.ml domain.
    static func load(_ op: String, _ attributes: [Onnx_AttributeProto], inputs: [Input], outputs: [String],
                     opset: Int64 = 1) throws -> ONNXModel {
        var node = Onnx_NodeProto()
        node.opType = op
        node.domain = "ai.onnx.ml"
        node.name = "n"
        node.input = inputs.map(\.name)
        node.output = outputs
        node.attribute = attributes
        var graph = Onnx_GraphProto()
        graph.name = "g"
        graph.node = [node]
        graph.input = inputs.map(valueInfo)
        graph.output = outputs.map { name in
            var info = Onnx_ValueInfoProto()
            info.name = name
            return info
        }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.graph = graph
        model.opsetImport = [opsetID("", 17), opsetID("ai.onnx.ml", opset)]
        return try ONNXImporter().load(model)
    }

    /// Runs a loaded model on named tensors and returns its outputs by name.
    static func run(_ model: ONNXModel, _ feeds: [String: Tensor]) throws -> [String: Value] {
        try model.plan.run(feeds.mapValues { .tensor($0) })
    }

    private static func opsetID(_ domain: String, _ version: Int64) -> Onnx_OperatorSetIdProto {
        var id = Onnx_OperatorSetIdProto()
        id.domain = domain
        id.version = version
        return id
    }

    private static func valueInfo(_ input: Input) -> Onnx_ValueInfoProto {
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = input.type
        if let shape = input.shape {
            var proto = Onnx_TensorShapeProto()
            proto.dim = shape.map { dim in
                var d = Onnx_TensorShapeProto.Dimension()
                if let dim { d.dimValue = dim } else { d.dimParam = "N" }
                return d
            }
            tensor.shape = proto
        }
        var type = Onnx_TypeProto()
        type.value = .tensorType(tensor)
        var info = Onnx_ValueInfoProto()
        info.name = input.name
        info.type = type
        return info
    }
}

/// Attribute constructors for the ML operator tests.
enum Attr {
    static func floats(_ name: String, _ values: [Float]) -> Onnx_AttributeProto {
        make(name, .floats) { $0.floats = values }
    }

    static func ints(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        make(name, .ints) { $0.ints = values }
    }

    static func strings(_ name: String, _ values: [String]) -> Onnx_AttributeProto {
        make(name, .strings) { $0.strings = values.map { Data($0.utf8) } }
    }

    static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        make(name, .int) { $0.i = value }
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        make(name, .float) { $0.f = value }
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        make(name, .string) { $0.s = Data(value.utf8) }
    }

    /// A tensor attribute of `type` (ONNX code) and `dims`, filled by `fill`.
    static func tensor(_ name: String, type: Int32, dims: [Int64], _ fill: (inout Onnx_TensorProto) -> Void) -> Onnx_AttributeProto {
        var tensor = Onnx_TensorProto()
        tensor.dataType = type
        tensor.dims = dims
        fill(&tensor)
        return make(name, .tensor) { $0.t = tensor }
    }

    private static func make(_ name: String, _ type: Onnx_AttributeProto.AttributeType,
                             _ fill: (inout Onnx_AttributeProto) -> Void) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = type
        fill(&attribute)
        return attribute
    }
}

/// Relative float comparison (1e-5, with an absolute floor for values near zero).
func mlClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        (x.isNaN && y.isNaN) || abs(x - y) <= tolerance * max(1, abs(y))
    }
}

extension Value {
    /// The float32 elements and shape of a tensor value (empty when it is not one).
    var floats: (values: [Float], shape: [Int]) {
        guard case .tensor(let t) = self, case .float32(let v) = t.storage else { return ([], []) }
        return (v, t.shape)
    }
}
