import AugurEngine
import Foundation
import SwiftProtobuf

/// A loaded model: its signature, the plan that runs it, and what it is made of.
public struct ONNXModel: Sendable {
    public let signature: ModelSignature
    public let plan: Plan
    /// `domain::OpType` (domain omitted for ai.onnx) → node count, sorted by name.
    public let operatorCounts: [(op: String, count: Int)]
    /// Tree ensembles in the model, in node order.
    public let treeEnsembles: [(node: String, stats: TreeEnsembleStats)]
    /// The categories encoders in the graph state for input columns (`augur init`).
    public var inputCategories = InputCategories.none
}

/// Reads `.onnx` files into checked, ready-to-run plans.
public struct ONNXImporter: Sendable {
    public var registry: OperatorRegistry
    /// Files larger than this are refused before they are read.
    public var maxFileSize: Int

    public init(registry: OperatorRegistry = .standard, maxFileSize: Int = 1 << 30) {
        self.registry = registry
        self.maxFileSize = maxFileSize
    }

    /// The bytes of a model file (read by AugurStore's `StoreFiles.readModelFile`, the one
    /// reader of model files, with its size limit and symlink rule), decoded and imported.
    public func load(bytes: Data) throws -> ONNXModel {
        guard bytes.count <= maxFileSize else {
            throw EngineError(.invalidFile, "the model is \(bytes.count) bytes; the limit is \(maxFileSize).")
        }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw EngineError(.invalidFile, "not a valid ONNX model (protobuf decoding failed: \(error)).")
        }
        return try load(model)
    }

    func load(_ model: Onnx_ModelProto) throws -> ONNXModel {
        guard model.hasGraph else { throw EngineError(.invalidFile, "the file holds no graph; is it an ONNX model?") }
        let proto = model.graph
        let opsets = try readOpsets(model)
        if !proto.sparseInitializer.isEmpty {
            throw EngineError(.unsupportedFeature, "the graph has sparse initializers, which Augur does not support.")
        }
        var constants: [String: Value] = [:]
        for initializer in proto.initializer {
            guard !initializer.name.isEmpty else { throw EngineError(.invalidFile, "an initializer has no name.") }
            guard constants[initializer.name] == nil else {
                throw EngineError(.invalidGraph, "initializer '\(initializer.name)' is defined twice.")
            }
            constants[initializer.name] = .tensor(try TensorDecoder.tensor(from: initializer))
        }
        var inputs: [Graph.Input] = []
        var inputPorts: [ModelSignature.Port] = []
        for input in proto.input where constants[input.name] == nil {
            guard input.hasType else { throw EngineError(.invalidGraph, "graph input '\(input.name)' has no type.") }
            let type = try TensorDecoder.valueType(input.type, name: input.name)
            inputs.append(Graph.Input(name: input.name, type: type))
            inputPorts.append(.init(name: input.name, type: type, docString: input.docString))
        }
        let (nodes, counts, trees) = try buildNodes(proto, opsets: opsets, depth: 0)
        let outputs = try proto.output.map { output in
            Graph.Output(name: output.name, declaredType: output.hasType ? try TensorDecoder.valueType(output.type, name: output.name) : nil)
        }
        let plan = try Plan(Graph(inputs: inputs, constants: constants, nodes: nodes, outputs: outputs))
        let outputPorts = zip(plan.outputs, proto.output).map { planned, declared in
            ModelSignature.Port(name: planned.name, type: planned.type, docString: declared.docString)
        }
        let signature = ModelSignature(
            inputs: inputPorts, outputs: outputPorts, opsets: opsets, irVersion: model.irVersion,
            producerName: model.producerName, producerVersion: model.producerVersion,
            modelVersion: model.modelVersion, docString: model.docString.isEmpty ? proto.docString : model.docString,
            graphName: proto.name, metadata: model.metadataProps.map { ($0.key, $0.value) })
        var loaded = ONNXModel(signature: signature, plan: plan, operatorCounts: counts, treeEnsembles: trees)
        loaded.inputCategories = InputCategories(proto, constants: constants)
        return loaded
    }

    private func readOpsets(_ model: Onnx_ModelProto) throws -> [String: Int] {
        var opsets: [String: Int] = [:]
        for entry in model.opsetImport {
            let domain = OperatorRegistry.normalised(entry.domain)
            guard let version = Int(exactly: entry.version), version > 0 else {
                throw EngineError(.invalidFile, "opset version '\(entry.version)' for domain '\(entry.domain)' is invalid.")
            }
            // Converters sometimes repeat an import; only conflicting versions are an error.
            if let existing = opsets[domain], existing != version {
                throw EngineError(.invalidFile, "domain '\(entry.domain)' is imported at opsets \(existing) and \(version).")
            }
            opsets[domain] = version
        }
        return opsets
    }

    /// Control-flow bodies nested deeper than this are refused.
    static let maxGraphDepth = 4

    /// A body graph (Scan's) as a plan of its own: its initializers, typed inputs and nodes.
    private func subplan(_ proto: Onnx_GraphProto, opsets: [String: Int], depth: Int) throws -> Plan {
        guard proto.sparseInitializer.isEmpty else { throw EngineError(.unsupportedFeature, "sparse initializers are not supported.") }
        var constants: [String: Value] = [:]
        for initializer in proto.initializer {
            guard !initializer.name.isEmpty, constants[initializer.name] == nil else {
                throw EngineError(.invalidGraph, "initializer '\(initializer.name)' is unnamed or defined twice.")
            }
            constants[initializer.name] = .tensor(try TensorDecoder.tensor(from: initializer))
        }
        let inputs = try proto.input.filter { constants[$0.name] == nil }.map { input in
            guard input.hasType else { throw EngineError(.invalidGraph, "input '\(input.name)' has no type.") }
            return Graph.Input(name: input.name, type: try TensorDecoder.valueType(input.type, name: input.name))
        }
        let nodes = try buildNodes(proto, opsets: opsets, depth: depth).nodes
        let outputs = try proto.output.map { output in
            Graph.Output(name: output.name, declaredType: output.hasType ? try TensorDecoder.valueType(output.type, name: output.name) : nil)
        }
        return try Plan(Graph(inputs: inputs, constants: constants, nodes: nodes, outputs: outputs))
    }

    private func buildNodes(_ proto: Onnx_GraphProto, opsets: [String: Int], depth: Int) throws
        -> (nodes: [Graph.Node], counts: [(op: String, count: Int)], trees: [(node: String, stats: TreeEnsembleStats)])
    {
        var nodes: [Graph.Node] = []
        var unsupported: [String] = []
        var counts: [String: Int] = [:]
        var trees: [(node: String, stats: TreeEnsembleStats)] = []
        for node in proto.node {
            let domain = OperatorRegistry.normalised(node.domain)
            let key = domain.isEmpty ? node.opType : "\(domain)::\(node.opType)"
            counts[key, default: 0] += 1
            let compile: ((Onnx_GraphProto) throws -> Plan)? = depth < Self.maxGraphDepth
                ? { try self.subplan($0, opsets: opsets, depth: depth + 1) } : nil
            let context = try NodeContext(node: node, opset: opsets[domain] ?? 0, compileSubgraph: compile)
            guard let opset = opsets[domain] else {
                throw EngineError(.invalidGraph, node: context.label, "uses domain '\(node.domain)', which the model does not import.")
            }
            guard let build = registry.builder(domain: domain, opType: node.opType, opset: opset) else {
                unsupported.append("\(domain.isEmpty ? "ai.onnx" : domain) \(node.opType) (opset \(opset)) at \(context.label)")
                continue
            }
            let op: any Operator
            do {
                op = try build(context)
            } catch var error as EngineError {
                if error.node == nil { error.node = context.label }
                throw error
            }
            if let ensemble = op as? any TreeEnsembleDescribing { trees.append((context.label, ensemble.stats)) }
            nodes.append(Graph.Node(label: context.label, op: op, inputs: node.input, outputs: node.output))
        }
        guard unsupported.isEmpty else {
            throw EngineError(.unsupportedOperator,
                "the model uses \(unsupported.count) unsupported operator node\(unsupported.count == 1 ? "" : "s"): \(unsupported.joined(separator: "; ")).")
        }
        return (nodes, counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, trees)
    }
}
