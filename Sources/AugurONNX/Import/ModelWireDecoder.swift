import Foundation
import SwiftProtobuf

/// Decodes a model's bytes into `Onnx_ModelProto`, reading the model, its graph, nodes and
/// attributes by hand and every other message (tensors, value infos, opsets, …) with
/// SwiftProtobuf.
///
/// Big tree ensembles keep millions of numbers in attributes that ONNX (proto2) writes
/// unpacked, one tag per number, which SwiftProtobuf's generic decoder reads several times
/// slower. The message is the same: whenever the bytes hold anything this reader does not
/// take exactly as SwiftProtobuf would (a wire type that does not match its field, a group,
/// an unknown enum value, invalid UTF-8, a truncated field), `model` returns nil and the
/// caller decodes the file with SwiftProtobuf, which gives its usual result or error. Only
/// unknown fields differ: they are skipped, not kept (nothing in Augur reads them).
enum ModelWireDecoder {
    static func model(_ bytes: Data) -> Onnx_ModelProto? {
        bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            return try? model(&reader)
        }
    }

    /// Depths as SwiftProtobuf counts them (the model is 0), for the depth limit of the
    /// messages it decodes.
    private enum Depth {
        static let modelChild = 1, graphChild = 2, nodeChild = 3, attributeChild = 4
    }

    private static func model(_ r: inout WireReader) throws -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        var graph: Onnx_GraphProto?
        while !r.atEnd {
            switch try r.field() {
            case 1: model.irVersion = try r.int64()
            case 2: model.producerName = try r.string()
            case 3: model.producerVersion = try r.string()
            case 4: model.domain = try r.string()
            case 5: model.modelVersion = try r.int64()
            case 6: model.docString = try r.string()
            case 7:
                // A repeated singular message merges into the first, as in SwiftProtobuf.
                var body = try r.body()
                var merged = graph ?? Onnx_GraphProto()
                try self.graph(&body, into: &merged)
                graph = merged
            case 8: model.opsetImport.append(try r.message(depth: Depth.modelChild))
            case 14: model.metadataProps.append(try r.message(depth: Depth.modelChild))
            case 20: model.trainingInfo.append(try r.message(depth: Depth.modelChild))
            case 25: model.functions.append(try r.message(depth: Depth.modelChild))
            default: try r.skip()
            }
        }
        if let graph { model.graph = graph }
        return model
    }

    private static func graph(_ r: inout WireReader, into graph: inout Onnx_GraphProto) throws {
        while !r.atEnd {
            switch try r.field() {
            case 1:
                var body = try r.body()
                graph.node.append(try node(&body))
            case 2: graph.name = try r.string()
            case 5: graph.initializer.append(try r.message(depth: Depth.graphChild))
            case 10: graph.docString = try r.string()
            case 11: graph.input.append(try r.message(depth: Depth.graphChild))
            case 12: graph.output.append(try r.message(depth: Depth.graphChild))
            case 13: graph.valueInfo.append(try r.message(depth: Depth.graphChild))
            case 15: graph.sparseInitializer.append(try r.message(depth: Depth.graphChild))
            case 16: graph.metadataProps.append(try r.message(depth: Depth.graphChild))
            default: try r.skip()
            }
        }
    }

    private static func node(_ r: inout WireReader) throws -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        while !r.atEnd {
            switch try r.field() {
            case 1: node.input.append(try r.string())
            case 2: node.output.append(try r.string())
            case 3: node.name = try r.string()
            case 4: node.opType = try r.string()
            case 5:
                var body = try r.body()
                node.attribute.append(try attribute(&body))
            case 6: node.docString = try r.string()
            case 7: node.domain = try r.string()
            case 8: node.overload = try r.string()
            case 9: node.metadataProps.append(try r.message(depth: Depth.nodeChild))
            default: try r.skip()
            }
        }
        return node
    }

    /// An attribute; its lists are collected locally and stored once.
    private static func attribute(_ r: inout WireReader) throws -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        var floats: [Float] = [], ints: [Int64] = [], strings: [Data] = []
        var tensors: [Onnx_TensorProto] = [], graphs: [Onnx_GraphProto] = []
        var sparseTensors: [Onnx_SparseTensorProto] = [], typeProtos: [Onnx_TypeProto] = []
        while !r.atEnd {
            switch try r.field() {
            case 1: a.name = try r.string()
            case 21: a.refAttrName = try r.string()
            case 13: a.docString = try r.string()
            case 20:
                let raw = Int(Int32(truncatingIfNeeded: try r.int64()))
                guard let type = Onnx_AttributeProto.AttributeType(rawValue: raw) else { throw WireReader.Stop() }
                a.type = type
            case 2: a.f = try r.float()
            case 3: a.i = try r.int64()
            case 4: a.s = try r.data()
            case 5: try r.merge(into: &a.t, depth: Depth.attributeChild)
            case 6: try r.merge(into: &a.g, depth: Depth.attributeChild)
            case 22: try r.merge(into: &a.sparseTensor, depth: Depth.attributeChild)
            case 14: try r.merge(into: &a.tp, depth: Depth.attributeChild)
            case 7: try r.appendFloats(to: &floats, tag: 7 << 3 | WireReader.Wire.fixed32)
            case 8: try r.appendInt64s(to: &ints, tag: 8 << 3 | WireReader.Wire.varint)
            case 9: try r.appendData(to: &strings, tag: 9 << 3 | WireReader.Wire.lengthDelimited)
            case 10: tensors.append(try r.message(depth: Depth.attributeChild))
            case 11: graphs.append(try r.message(depth: Depth.attributeChild))
            case 23: sparseTensors.append(try r.message(depth: Depth.attributeChild))
            case 15: typeProtos.append(try r.message(depth: Depth.attributeChild))
            default: try r.skip()
            }
        }
        a.floats = floats
        a.ints = ints
        a.strings = strings
        a.tensors = tensors
        a.graphs = graphs
        a.sparseTensors = sparseTensors
        a.typeProtos = typeProtos
        return a
    }
}
