import Foundation
@testable import AugurEngine
@testable import AugurONNX

/// Builds tree-ensemble nodes and single-node models in Swift for the TreeLoad tests.
enum TreeLoadSupport {
    enum Attribute {
        case int(Int64), ints([Int64]), float(Float), floats([Float]), string(String), strings([String])
        case doubles([Double]), float32s([Float]), uint8s([UInt8])
    }

    static func attribute(_ name: String, _ value: Attribute) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        switch value {
        case .int(let v): a.type = .int; a.i = v
        case .ints(let v): a.type = .ints; a.ints = v
        case .float(let v): a.type = .float; a.f = v
        case .floats(let v): a.type = .floats; a.floats = v
        case .string(let v): a.type = .string; a.s = Data(v.utf8)
        case .strings(let v): a.type = .strings; a.strings = v.map { Data($0.utf8) }
        case .doubles(let v):
            a.type = .tensor
            a.t = tensor(dataType: .double, count: v.count) { $0.doubleData = v }
        case .float32s(let v):
            a.type = .tensor
            a.t = tensor(dataType: .float, count: v.count) { $0.floatData = v }
        case .uint8s(let v):
            a.type = .tensor
            a.t = tensor(dataType: .uint8, count: v.count) { $0.rawData = Data(v) }
        }
        return a
    }

    private static func tensor(dataType: Onnx_TensorProto.DataType, count: Int,
                               _ fill: (inout Onnx_TensorProto) -> Void) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.dataType = Int32(dataType.rawValue)
        t.dims = [Int64(count)]
        fill(&t)
        return t
    }

    static func node(_ opType: String, outputs: [String], _ attributes: [String: Attribute]) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.name = "trees"
        n.opType = opType
        n.domain = "ai.onnx.ml"
        n.input = ["X"]
        n.output = outputs
        n.attribute = attributes.sorted { $0.key < $1.key }.map { attribute($0.key, $0.value) }
        return n
    }

    /// Builds the engine operator for `node` through the registry, as the importer does.
    static func build(_ node: Onnx_NodeProto, opset: Int) throws -> any AugurEngine.Operator {
        guard let builder = OperatorRegistry.standard.builder(domain: "ai.onnx.ml", opType: node.opType, opset: opset) else {
            throw EngineError(.unsupportedOperator, "no builder")
        }
        let context = try NodeContext(node: node, opset: opset)
        do {
            return try builder(context)
        } catch var error as EngineError {
            if error.node == nil { error.node = context.label }
            throw error
        }
    }

    /// A whole model around `node` with one input `X` of `elementType` ([N, features]).
    static func load(_ node: Onnx_NodeProto, opset: Int, elementType: Onnx_TensorProto.DataType = .float,
                     features: Int? = nil) throws -> ONNXModel {
        var input = Onnx_ValueInfoProto()
        input.name = "X"
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(elementType.rawValue)
        var shape = Onnx_TensorShapeProto()
        var rows = Onnx_TensorShapeProto.Dimension()
        rows.value = .dimParam("N")
        var columns = Onnx_TensorShapeProto.Dimension()
        if let features { columns.value = .dimValue(Int64(features)) } else { columns.value = .dimParam("F") }
        shape.dim = [rows, columns]
        tensorType.shape = shape
        input.type.value = .tensorType(tensorType)
        var graph = Onnx_GraphProto()
        graph.name = "g"
        graph.node = [node]
        graph.input = [input]
        graph.output = node.output.map { name in
            var output = Onnx_ValueInfoProto()
            output.name = name
            return output
        }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var core = Onnx_OperatorSetIdProto()
        core.domain = ""
        core.version = 17
        var ml = Onnx_OperatorSetIdProto()
        ml.domain = "ai.onnx.ml"
        ml.version = Int64(opset)
        model.opsetImport = [core, ml]
        model.graph = graph
        return try ONNXImporter().load(model)
    }

    /// The stump onnxruntime probes used: tree 0, node 0 tests feature 0 against 0.5 and
    /// sends true to leaf 1 and false to leaf 2.
    static func stump(mode: String = "BRANCH_LEQ", threshold: Float = 0.5) -> [String: Attribute] {
        [
            "nodes_treeids": .ints([0, 0, 0]), "nodes_nodeids": .ints([0, 1, 2]),
            "nodes_featureids": .ints([0, 0, 0]), "nodes_modes": .strings([mode, "LEAF", "LEAF"]),
            "nodes_values": .floats([threshold, 0, 0]), "nodes_truenodeids": .ints([1, 0, 0]),
            "nodes_falsenodeids": .ints([2, 0, 0]),
        ]
    }

    /// Runs a model on float32 rows `[[x]]` and returns its outputs by name.
    static func run(_ model: ONNXModel, _ rows: [[Float]]) throws -> [String: Value] {
        let x = try Tensor(float32: rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
        return try model.plan.run(["X": .tensor(x)])
    }
}

extension Dictionary where Key == String, Value == TreeLoadSupport.Attribute {
    func with(_ changes: [String: TreeLoadSupport.Attribute]) -> Self {
        merging(changes) { $1 }
    }
}
