import Foundation

/// Reads artifact files from a local directory (a tracking server with a local artifact root
/// on this machine, `file:///…` or `/…` download URIs).
enum MLflowLocalArtifacts {
    /// The bytes of `file` (relative components, already free of `..`) inside `directory`. Both
    /// are resolved through symlinks first, and the file must still lie inside the directory and
    /// be a regular file of at most `maxBytes`.
    static func read(_ file: [String], in directory: String, subject: String, maxBytes: Int) throws(StoreError) -> [UInt8] {
        let root = canonical(directory)
        let requested = ([directory] + file).joined(separator: "/")
        let path = canonical(requested)
        guard path.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw StoreError(.invalidName, "\(subject) at '\(requested)' resolves to '\(path)', outside the version's artifact directory '\(root)'; Augur does not follow links out of it.")
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw StoreError(.notFound, "\(subject) is missing at '\(path)'; the version's artifacts were deleted, or the tracking server's artifact root is not on this machine (serve artifacts through the server with --serve-artifacts).")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw StoreError(.invalidName, "\(subject) at '\(path)' is not a regular file.")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else {
            throw StoreError(.remote, "\(subject) at '\(path)' is \(size) bytes, more than the limit of \(maxBytes) bytes; raise the limit (maxModelBytes) if the model is really that large.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.io, "\(subject) at '\(path)' cannot be read; check its permissions.")
        }
        guard data.count <= maxBytes else {
            throw StoreError(.remote, "\(subject) at '\(path)' grew past the limit of \(maxBytes) bytes while being read.")
        }
        return [UInt8](data)
    }

    /// `path` with symlinks resolved and `.`/`..` removed (a missing tail is kept as written).
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
