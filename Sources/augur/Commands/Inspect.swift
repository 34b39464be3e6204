import ArgumentParser
import AugurEngine
import AugurONNX
import AugurStore
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's signature, opsets, producer, metadata and operators.")

    @Argument(help: "The ONNX model file.") var model: String

    func run() throws {
        let loaded = try loadModel(model)
        print(ModelReport(loaded).text, terminator: "")
    }
}

/// The text `augur inspect` prints.
struct ModelReport {
    let model: ONNXModel
    init(_ model: ONNXModel) { self.model = model }

    var text: String {
        let s = model.signature
        var lines: [String] = []
        lines.append("Producer: \(s.producerName.isEmpty ? "(unknown)" : s.producerName) \(s.producerVersion)".trimmingTrailingSpace)
        lines.append("IR version: \(s.irVersion)   model version: \(s.modelVersion)")
        lines.append("Opsets: " + s.opsets.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "ai.onnx" : $0.key) \($0.value)" }.joined(separator: ", "))
        if !s.graphName.isEmpty { lines.append("Graph: \(s.graphName)") }
        if !s.docString.isEmpty { lines.append("Description: \(s.docString)") }
        lines.append("")
        lines.append("Inputs:")
        lines += s.inputs.map { "  \($0.name): \($0.type)" }
        lines.append("Outputs:")
        lines += s.outputs.map { "  \($0.name): \($0.type)" }
        if !s.metadata.isEmpty {
            lines.append("Metadata:")
            lines += s.metadata.map { "  \($0.key): \($0.value)" }
        }
        lines.append("Operators (\(model.operatorCounts.reduce(0) { $0 + $1.count }) nodes):")
        lines += model.operatorCounts.map { "  \($0.op): \($0.count)" }
        if !model.treeEnsembles.isEmpty {
            lines.append("Tree ensembles:")
            lines += model.treeEnsembles.map { node, t in
                "  \(node): \(t.trees) trees, \(t.nodes) nodes, \(t.leaves) leaves, max depth \(t.maxDepth), \(t.featureCount) features, \(t.targets) targets"
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trimmingTrailingSpace: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Reads a model file with the store's reader (size limit, symlinks resolved once, then none
/// followed) and imports it, turning errors into a clean command failure.
func loadModel(_ path: String, importer: ONNXImporter = ONNXImporter()) throws -> ONNXModel {
    let bytes: [UInt8]
    do { bytes = try StoreFiles.readModelFile(path, limit: importer.maxFileSize) } catch {
        throw CommandFailure("Cannot read '\(path)': \(error)")
    }
    do {
        return try importer.load(bytes: Data(bytes))
    } catch let error as EngineError {
        throw CommandFailure("Cannot load '\(path)': \(error)")
    }
}
