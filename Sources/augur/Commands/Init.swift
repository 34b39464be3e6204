import ArgumentParser
import AugurONNX
import AugurService
import AugurStore
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a starting augur.yaml for a model, from its signature, the categories its encoders know, and optionally its training data (--reference).")

    @Argument(help: "Folder to write augur.yaml into (created if missing).") var directory: String = "."
    @Option(help: "The ONNX model to serve.") var model: String
    @Option(help: "Service and model name (default: the model file's name).") var name: String?
    @Flag(help: "Overwrite an existing augur.yaml.") var force = false
    @Option(help: "The training data (CSV with a header): examples from its medians and most frequent values, nullable where it has missing values, observed ranges proposed as bounds.")
    var reference: String?

    func run() throws {
        let loaded = try loadModel(model)
        let folder = URL(fileURLWithPath: directory).standardizedFileURL
        let target = folder.appendingPathComponent(ServiceDefaults.fileName)
        if FileManager.default.fileExists(atPath: target.path) && !force {
            throw CommandFailure("'\(target.path)' exists; use --force to overwrite it.")
        }
        let modelURL = URL(fileURLWithPath: model).standardizedFileURL
        let relative = modelURL.path.hasPrefix(folder.path + "/") ? String(modelURL.path.dropFirst(folder.path.count + 1)) : modelURL.path
        let stem = modelURL.deletingPathExtension().lastPathComponent
        var statistics: ReferenceStatistics?
        if let reference {
            guard let data = FileManager.default.contents(atPath: reference) else { throw CommandFailure("Cannot read '\(reference)'.") }
            do { statistics = try TrainingStatistics.compute(csv: data, source: URL(fileURLWithPath: reference).lastPathComponent) } catch {
                throw CommandFailure("Cannot read '\(reference)' as a CSV with a header: \(error)")
            }
        }
        let scaffold = ConfigScaffold(signature: loaded.signature, modelPath: relative, name: name ?? ConfigScaffold.identifier(stem),
                                      categories: loaded.inputCategories, reference: statistics)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try scaffold.yaml.write(to: target, atomically: true, encoding: .utf8)
            let readme = folder.appendingPathComponent("README.md")
            if !FileManager.default.fileExists(atPath: readme.path) {
                let text = "# \(scaffold.name)\n\nServe: `augur serve \(directory)`, then:\n\n```sh\n\(scaffold.curl())\n```\n\nDocs: http://127.0.0.1:\(ServiceDefaults.port)/docs\n"
                try text.write(to: readme, atomically: true, encoding: .utf8)
            }
        } catch {
            throw CommandFailure("Cannot write '\(target.path)': \(error.localizedDescription)")
        }
        print("Wrote \(target.path). Serve it with: augur serve \(directory)\nTry: \(scaffold.curl())")
    }
}
