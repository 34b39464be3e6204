import Foundation

/// Resolves model references: a name under `models:`, or a path to an `.onnx` file relative
/// to the configuration's folder. Paths are canonicalised (symlinks resolved) and must name an
/// existing `.onnx` file; nothing else is ever loaded.
struct ModelResolver {
    let folder: String
    private(set) var entries: [ModelEntry] = []

    init(folder: String) {
        self.folder = folder
    }

    /// Reads `models:` (name → path, or name → {path: …}).
    mutating func readModels(_ node: ConfigNode, reader: inout ConfigReader) {
        guard let items = reader.mapping(node) else { return }
        for item in items {
            var pathNode = item.value
            if case .mapping = item.value.node {
                guard let fields = reader.mapping(item.value) else { continue }
                reader.checkKeys(fields, allowed: ["path"])
                guard let path = fields.first(where: { $0.key == "path" })?.value else {
                    reader.error(item.value, "missing 'path' of the .onnx file.")
                    continue
                }
                pathNode = path
            }
            guard let text = reader.string(pathNode), let path = canonicalPath(text, at: pathNode, reader: &reader) else { continue }
            entries.append(ModelEntry(name: item.key, path: path, location: SourceLocation(line: pathNode.line, path: item.value.path)))
        }
    }

    /// The model a route refers to; a path not listed under `models:` is added under its file name.
    func resolve(_ reference: String, at node: ConfigNode, reader: inout ConfigReader) -> ModelEntry? {
        if let entry = entries.first(where: { $0.name == reference }) { return entry }
        guard reference.hasSuffix(".onnx") || reference.contains("/") else {
            let hint = Suggestion.closest(to: reference, in: entries.map(\.name)).map { " Did you mean '\($0)'?" } ?? ""
            let known = entries.isEmpty ? "no models are listed under models:" : "models: lists \(entries.map { "'\($0.name)'" }.joined(separator: ", "))"
            reader.error(node, "'\(reference)' is neither a model under models: nor a path to an .onnx file (\(known)).\(hint)")
            return nil
        }
        guard let path = canonicalPath(reference, at: node, reader: &reader) else { return nil }
        if let entry = entries.first(where: { $0.path == path }) { return entry }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return ModelEntry(name: stem, path: path, location: SourceLocation(line: node.line, path: node.path))
    }

    private func canonicalPath(_ text: String, at node: ConfigNode, reader: inout ConfigReader) -> String? {
        let base = URL(fileURLWithPath: folder, isDirectory: true)
        let url = (text.hasPrefix("/") ? URL(fileURLWithPath: text) : URL(fileURLWithPath: text, relativeTo: base))
            .standardizedFileURL.resolvingSymlinksInPath()
        guard url.pathExtension.lowercased() == "onnx" else {
            reader.error(node, "'\(text)' is not an .onnx file; Augur serves ONNX models only.")
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            reader.error(node, "model file '\(text)' does not exist (looked for '\(url.path)').")
            return nil
        }
        return url.path
    }
}
