import AugurEngine
import Foundation

/// One ONNX node being built: typed access to its attributes with errors naming the node and
/// the attribute.
public struct NodeContext {
    public let node: Onnx_NodeProto
    /// `'name' (OpType)`, as every message about this node shows it.
    public let label: String
    /// The opset version in force for the node's domain.
    public let opset: Int
    private let attributes: [String: Onnx_AttributeProto]
    /// Compiles a graph attribute (a control-flow body) with the model's opsets.
    private let compileSubgraph: ((Onnx_GraphProto) throws -> Plan)?

    init(node: Onnx_NodeProto, opset: Int, compileSubgraph: ((Onnx_GraphProto) throws -> Plan)? = nil) throws {
        self.node = node
        self.opset = opset
        self.compileSubgraph = compileSubgraph
        let label = "'\(node.name.isEmpty ? (node.output.first ?? "?") : node.name)' (\(node.opType))"
        self.label = label
        var attributes: [String: Onnx_AttributeProto] = [:]
        for attribute in node.attribute {
            guard attributes[attribute.name] == nil else {
                throw EngineError(.invalidAttribute, node: label, "attribute '\(attribute.name)' is given twice.")
            }
            if !attribute.refAttrName.isEmpty {
                throw EngineError(.unsupportedFeature, node: label,
                    "attribute '\(attribute.name)' refers to a function attribute; functions are not supported.")
            }
            attributes[attribute.name] = attribute
        }
        self.attributes = attributes
    }

    public var inputCount: Int { node.input.count }
    public var outputCount: Int { node.output.count }
    public func has(_ name: String) -> Bool { attributes[name] != nil }

    /// A load error about this node's attribute `name`.
    public func error(_ name: String, _ message: String, code: EngineError.Code = .invalidAttribute) -> EngineError {
        EngineError(code, node: label, "attribute '\(name)': \(message)")
    }

    /// A load error about this node.
    public func error(_ message: String, code: EngineError.Code = .invalidGraph) -> EngineError {
        EngineError(code, node: label, message)
    }

    private func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType) throws -> Onnx_AttributeProto? {
        guard let attribute = attributes[name] else { return nil }
        if attribute.hasType, attribute.type != .undefined, attribute.type != type {
            throw error(name, "expected \(type), found \(attribute.type).")
        }
        return attribute
    }

    public func int(_ name: String) throws -> Int? {
        guard let a = try attribute(name, .int) else { return nil }
        guard let value = Int(exactly: a.i) else { throw error(name, "'\(a.i)' does not fit an Int.") }
        return value
    }

    public func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

    public func float(_ name: String) throws -> Float? { try attribute(name, .float)?.f }

    public func float(_ name: String, default value: Float) throws -> Float { try float(name) ?? value }

    public func string(_ name: String) throws -> String? {
        guard let a = try attribute(name, .string) else { return nil }
        return try utf8(a.s, name)
    }

    public func string(_ name: String, default value: String) throws -> String { try string(name) ?? value }

    public func ints(_ name: String) throws -> [Int]? {
        guard let a = try attribute(name, .ints) else { return nil }
        return try a.ints.map { raw in
            guard let value = Int(exactly: raw) else { throw error(name, "'\(raw)' does not fit an Int.") }
            return value
        }
    }

    public func int64s(_ name: String) throws -> [Int64]? { try attribute(name, .ints)?.ints }

    public func floats(_ name: String) throws -> [Float]? { try attribute(name, .floats)?.floats }

    /// A graph attribute compiled into its own checked plan (a body that reads a value of the
    /// enclosing graph fails to load: only self-contained bodies are supported).
    public func subgraph(_ name: String) throws -> Plan? {
        guard let a = try attribute(name, .graph) else { return nil }
        guard let compileSubgraph else { throw error(name, "graphs nested this deep are not supported.", code: .unsupportedFeature) }
        do {
            return try compileSubgraph(a.g)
        } catch let e as EngineError {
            throw error(name, "the body graph: \(e.node.map { "\($0): " } ?? "")\(e.message)", code: e.code)
        }
    }

    public func strings(_ name: String) throws -> [String]? {
        guard let a = try attribute(name, .strings) else { return nil }
        return try a.strings.map { try utf8($0, name) }
    }

    public func tensor(_ name: String) throws -> Tensor? {
        guard let a = try attribute(name, .tensor) else { return nil }
        do {
            return try TensorDecoder.tensor(from: a.t)
        } catch let e as EngineError {
            throw error(name, e.message)
        }
    }

    /// A double list given either as `NAME_as_tensor` (float64 tensor) or `NAME` (floats).
    public func doubles(_ name: String) throws -> [Double]? {
        if let tensor = try self.tensor(name + "_as_tensor") {
            switch tensor.storage {
            case .float64(let v): return v
            case .float32(let v): return v.map(Double.init)
            default: throw error(name + "_as_tensor", "expected a float64 tensor, found \(tensor.elementType).")
            }
        }
        return try floats(name)?.map(Double.init)
    }

    /// Whether `NAME_as_tensor` is used (the double-precision form of the attribute).
    public func usesDoubleTensor(_ name: String) -> Bool { has(name + "_as_tensor") }

    /// A required attribute; `read` returns nil when absent.
    public func required<T>(_ name: String, _ read: (String) throws -> T?) throws -> T {
        guard let value = try read(name) else {
            throw error(name, "is required.", code: .missingAttribute)
        }
        return value
    }

    private func utf8(_ data: Data, _ name: String) throws -> String {
        guard let s = String(validating: data, as: UTF8.self) else { throw error(name, "is not valid UTF-8.") }
        return s
    }
}
