import ArgumentParser
import AugurEngine
import AugurONNX
import AugurService
import AugurStore
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's signature, opsets, producer, metadata and operators; with --reference, rank its input columns by importance.")

    @Argument(help: "The ONNX model file.") var model: String
    @Option(help: "Training data CSV in the model's input columns: rank the columns by mean |contribution| (exact TreeSHAP) over its rows.")
    var reference: String?
    @Option(help: "With --reference: explain at most this many of its rows (default: all it keeps, up to 10,000).")
    var rows: Int?
    @Flag(help: "With --reference: print the importance (and the time spent) as JSON instead of the report.")
    var json = false

    func validate() throws {
        if let rows, rows < 1 { throw ValidationError("--rows must be at least 1.") }
        if (rows != nil || json), reference == nil { throw ValidationError("--rows and --json go with --reference.") }
    }

    func run() throws {
        let loaded = try loadModel(model)
        guard let reference else {
            print(ModelReport(loaded).text, terminator: "")
            return
        }
        let rows: ReferenceRows
        let explainer: ModelExplainer
        do {
            rows = try ReferenceRows.read(path: reference, model: loaded)
            explainer = try ModelExplainer(plan: loaded.plan, reference: rows)
        } catch {
            throw CommandFailure("Cannot explain '\(model)' on '\(reference)': \(error)")
        }
        let kept = try rows.sample()
        let sample = kept.prefix(self.rows ?? kept.count)
        let clock = ContinuousClock()
        var importance: [(name: String, meanAbsolute: Double)] = []
        let elapsed = try clock.measure { importance = try explainer.importance(sample.feeds) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let space = "\(explainer.postTransform == .none ? "raw score" : "margin, before \(explainer.postTransform.rawValue.lowercased())")"
        if json {
            let entries: [JSONValue] = importance.map { .object(JSONObject([("column", .string($0.name)), ("mean_abs_contribution", .number(JSONNumber($0.meanAbsolute)))])) }
            let object = JSONObject([
                ("reference", .string(rows.source)), ("rows", .integer(sample.count)), ("targets", .integer(explainer.targets)),
                ("transform", .string(explainer.postTransform.rawValue.lowercased())), ("seconds", .number(JSONNumber(seconds))),
                ("microseconds_per_row", .number(JSONNumber(seconds * 1e6 / Double(sample.count)))),
                ("importance", .array(entries)),
            ])
            print(JSONValue.object(object).serializedString)
            return
        }
        print(ModelReport(loaded).text, terminator: "")
        print("Global importance: mean |contribution| to the \(space) over \(sample.count) rows of \(rows.source)")
        let how = explainer.method == "linear" ? "linear contributions w · (x − mean), means over %d rows"
            : "exact path-dependent TreeSHAP, covers counted on %d rows"
        print(String(format: "(\(how); %.1f ms, %.1f µs per row, one thread):",
                     rows.count, seconds * 1000, seconds * 1e6 / Double(sample.count)))
        let width = importance.map(\.name.count).max() ?? 0
        for (rank, entry) in importance.enumerated() {
            print("  \(String(rank + 1).leftPadded(3)). \(entry.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(String(format: "%.6g", entry.meanAbsolute))")
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) + self }
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
