import AugurStore
import Foundation

/// Resolves model references: a name under `models:`, a path to an `.onnx` file relative to the
/// configuration's folder, an MLflow `models:/…` URI, or a model in the local store (`loan`,
/// `loan:3`, `loan@production`). Paths are canonicalised (symlinks resolved) and must name an
/// existing `.onnx` file; nothing else is ever loaded.
struct ModelResolver {
    let folder: String
    private(set) var entries: [ModelEntry] = []

    init(folder: String) {
        self.folder = folder
    }

    /// Reads `models:` (name → reference, or name → {path: …}).
    mutating func readModels(_ node: ConfigNode, reader: inout ConfigReader) {
        guard let items = reader.mapping(node) else { return }
        for item in items {
            var pathNode = item.value
            var reference: String?
            if case .mapping = item.value.node {
                guard let fields = reader.mapping(item.value) else { continue }
                reader.checkKeys(fields, allowed: ["path", "reference"])
                guard let path = fields.first(where: { $0.key == "path" })?.value else {
                    reader.error(item.value, .missingKey, "missing 'path' of the .onnx file.")
                    continue
                }
                pathNode = path
                if let node = fields.first(where: { $0.key == "reference" })?.value {
                    guard let text = reader.string(node), let path = referencePath(text, at: node, reader: &reader) else { continue }
                    reference = path
                }
            }
            guard let text = reader.string(pathNode), let source = source(text, at: pathNode, reader: &reader) else { continue }
            entries.append(ModelEntry(name: item.key, source: source, location: SourceLocation(line: pathNode.line, path: item.value.path),
                                      reference: reference))
        }
    }

    /// The model a route refers to; a reference not listed under `models:` is added under its
    /// file name (paths) or as written (store and MLflow references).
    func resolve(_ reference: String, at node: ConfigNode, reader: inout ConfigReader) -> ModelEntry? {
        if let entry = entries.first(where: { $0.name == reference }) { return entry }
        guard let source = source(reference, at: node, reader: &reader) else { return nil }
        if let entry = entries.first(where: { $0.source == source }) { return entry }
        var name = reference
        if case .file(let path) = source { name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
        return ModelEntry(name: name, source: source, location: SourceLocation(line: node.line, path: node.path))
    }

    /// A reference's kind by its form: `models:/…` is MLflow, a path ends in `.onnx` or holds a
    /// `/`, anything else names a model in the local store.
    private func source(_ text: String, at node: ConfigNode, reader: inout ConfigReader) -> ModelSource? {
        if MLflowReference.isMLflowURI(text) {
            do {
                _ = try MLflowReference(parsing: text)
                return .mlflow(text)
            } catch {
                reader.error(node, .modelUnavailable, "\(error)")
                return nil
            }
        }
        if text.hasSuffix(".onnx") || text.contains("/") || looksLikeFile(text) {
            return canonicalPath(text, at: node, reader: &reader).map { .file($0) }
        }
        do {
            return .store(try ModelReference(parsing: text))
        } catch {
            let hint = Suggestion.closest(to: text, in: entries.map(\.name)).map { " Did you mean '\($0)'?" } ?? ""
            reader.error(node, .invalidValue, "'\(text)' is neither a model under models:, a path to an .onnx file, an MLflow models:/ URI nor a store reference (name, name:version, name@alias): \(error)\(hint)")
            return nil
        }
    }

    /// A model-file extension (`model.pkl`) or an existing file next to the configuration: a
    /// path, even though the text would also be a valid store name.
    private func looksLikeFile(_ text: String) -> Bool {
        let ext = URL(fileURLWithPath: text).pathExtension.lowercased()
        if Self.fileExtensions.contains(ext) { return true }
        return FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent(text).path)
    }

    static let fileExtensions: Set<String> = ["onnx", "pkl", "pickle", "joblib", "sav", "h5", "keras", "pt", "pth", "pb", "bin", "json", "txt", "ubj", "model", "cbm", "zip", "tar", "gz"]

    /// A reference-data CSV (`models: NAME: {reference: train.csv}`), canonicalised like a model path.
    private func referencePath(_ text: String, at node: ConfigNode, reader: inout ConfigReader) -> String? {
        existingFile(text, extension: "csv", at: node, reader: &reader,
                     wrongKind: "'\(text)' is not a .csv file; reference data is a CSV with a header row, in the model's input columns.",
                     missing: (.invalidValue, "reference data"))
    }

    private func canonicalPath(_ text: String, at node: ConfigNode, reader: inout ConfigReader) -> String? {
        existingFile(text, extension: "onnx", at: node, reader: &reader,
                     wrongKind: "'\(text)' is not an .onnx file; Augur serves ONNX models only.",
                     missing: (.modelUnavailable, "model file"))
    }

    /// `text` relative to the configuration's folder, symlinks resolved, when it names an
    /// existing file with the extension; else nil after recording why.
    private func existingFile(_ text: String, extension wanted: String, at node: ConfigNode, reader: inout ConfigReader,
                              wrongKind: String, missing: (kind: ConfigError.Code, what: String)) -> String? {
        let base = URL(fileURLWithPath: folder, isDirectory: true)
        let url = (text.hasPrefix("/") ? URL(fileURLWithPath: text) : URL(fileURLWithPath: text, relativeTo: base))
            .standardizedFileURL.resolvingSymlinksInPath()
        guard url.pathExtension.lowercased() == wanted else {
            reader.error(node, .invalidValue, wrongKind)
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            reader.error(node, missing.kind, "\(missing.what) '\(text)' does not exist (looked for '\(url.path)').")
            return nil
        }
        return url.path
    }
}
