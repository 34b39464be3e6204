import Foundation

/// A versioned model store on disk (`$AUGUR_HOME/models`, default `~/.augur/models`):
///
/// ```
/// <root>/.lock                         one writer at a time, across processes (flock)
/// <root>/.staging/                     versions being written; leftovers are removed
/// <root>/<name>/aliases.json           {"production": "3"}, replaced atomically
/// <root>/<name>/versions/<version>/    model.onnx, version.json, reference.json, reference.csv
/// ```
///
/// Versions are immutable. A version is written in a staging folder, flushed to disk, then
/// renamed into place, so a process killed at any moment leaves the whole version or none.
/// Every name is a single plain path component (`StoreNames`), nothing is followed through a
/// symlink, and the model's SHA-256 is checked each time it is loaded.
public final class ModelStore: Sendable {
    public static let modelFileName = "model.onnx"
    static let recordFileName = "version.json"
    static let referenceFileName = "reference.json"
    /// The reference CSV, in the model's input columns, kept for explanations.
    public static let referenceRowsFileName = "reference.csv"
    /// The largest reference CSV kept or read.
    public static let maxReferenceRowsBytes = 64 << 20
    static let aliasesFileName = "aliases.json"
    /// Metadata files are small; refuse anything absurd instead of reading it.
    static let maxMetadataBytes = 64 << 20

    /// The canonical (symlink-free, absolute) store folder.
    public let root: String

    /// Opens the store at `root`, creating it if needed.
    public init(root: String) throws(StoreError) {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        try Self.makePath(absolute)
        guard let resolved = realpath(absolute, nil) else {
            throw StoreError(.io, "cannot open the model store '\(absolute)': \(StoreFiles.errorText()).")
        }
        self.root = String(cString: resolved)
        free(resolved)
        try StoreFiles.makeDirectory("\(self.root)/.staging")
    }

    /// `$AUGUR_HOME/models`, else `~/.augur/models`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["AUGUR_HOME"], !home.isEmpty { return "\(home)/models" }
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return "\(user)/.augur/models"
    }

    private static func makePath(_ path: String) throws(StoreError) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/\(part)"
            if StoreFiles.entry(current) == .missing {
                guard mkdir(current, 0o755) == 0 || errno == EEXIST else {
                    throw StoreError(.io, "cannot create the model store folder '\(current)': \(StoreFiles.errorText()).")
                }
            }
        }
    }

    // MARK: Reading

    /// Model names, sorted.
    public func names() -> [String] {
        StoreFiles.list(root).filter { StoreNames.isValid($0) && StoreFiles.entry("\(root)/\($0)") == .directory }
    }

    /// Every readable version of a model, oldest first (by import sequence).
    public func versions(of name: String) throws(StoreError) -> [VersionRecord] {
        try StoreNames.check(name, as: "model name")
        let folder = try modelFolder(name)
        var records: [VersionRecord] = []
        for version in StoreFiles.list("\(folder)/versions") where StoreNames.isValid(version) {
            if let record = try? self.record(name: name, version: version) { records.append(record) }
        }
        return records.sorted { $0.sequence < $1.sequence }
    }

    /// Version folders whose record cannot be read (`augur models verify` reports them).
    public func unreadableVersions(of name: String) throws(StoreError) -> [(version: String, error: StoreError)] {
        try StoreNames.check(name, as: "model name")
        let folder = try modelFolder(name)
        var problems: [(String, StoreError)] = []
        for version in StoreFiles.list("\(folder)/versions") {
            do throws(StoreError) {
                guard StoreNames.isValid(version) else { throw StoreError(.invalidName, "'\(version)' is not a valid version name.") }
                _ = try record(name: name, version: version)
            } catch {
                problems.append((version, error))
            }
        }
        return problems
    }

    /// Alias → version.
    public func aliases(of name: String) throws(StoreError) -> [String: String] {
        try StoreNames.check(name, as: "model name")
        let path = "\(try modelFolder(name))/\(Self.aliasesFileName)"
        guard StoreFiles.entry(path) != .missing else { return [:] }
        let bytes = try StoreFiles.read(path, limit: Self.maxMetadataBytes)
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(bytes))
        } catch {
            throw StoreError(.integrity, "the aliases of model '\(name)' ('\(path)') cannot be read: \(error).")
        }
    }

    /// The record of `name:version`.
    public func record(name: String, version: String) throws(StoreError) -> VersionRecord {
        try StoreNames.check(name, as: "model name")
        try StoreNames.check(version, as: "version")
        let folder = "\(try modelFolder(name))/versions/\(version)"
        switch StoreFiles.entry(folder) {
        case .directory: break
        case .missing:
            let known = (try? versions(of: name))?.map(\.version) ?? []
            throw StoreError(.notFound, "model '\(name)' has no version '\(version)'\(known.isEmpty ? "" : " (versions: \(known.joined(separator: ", ")))").")
        case .symlink: throw StoreError(.integrity, "'\(folder)' is a symlink; the store never follows symlinks.")
        default: throw StoreError(.integrity, "'\(folder)' is not a folder.")
        }
        let bytes = try StoreFiles.read("\(folder)/\(Self.recordFileName)", limit: Self.maxMetadataBytes)
        let record: VersionRecord
        do {
            record = try JSONDecoder().decode(VersionRecord.self, from: Data(bytes))
        } catch {
            throw StoreError(.integrity, "the record of \(name):\(version) cannot be read: \(error).")
        }
        guard record.name == name, record.version == version, StoreNames.isValid(record.file) else {
            throw StoreError(.integrity, "the record of \(name):\(version) names another model or file (\(record.name):\(record.version), '\(record.file)').")
        }
        return record
    }

    /// The version a reference points at now.
    public func resolve(_ reference: ModelReference) throws(StoreError) -> VersionRecord {
        switch reference.selector {
        case .version(let version):
            return try record(name: reference.name, version: version)
        case .alias(let alias):
            let aliases = try aliases(of: reference.name)
            guard let version = aliases[alias] else {
                let known = aliases.keys.sorted()
                throw StoreError(.notFound, "model '\(reference.name)' has no alias '\(alias)'\(known.isEmpty ? "" : " (aliases: \(known.joined(separator: ", ")))").")
            }
            return try record(name: reference.name, version: version)
        case .latest:
            guard let newest = try versions(of: reference.name).last else {
                throw StoreError(.notFound, "model '\(reference.name)' has no versions.")
            }
            return newest
        }
    }

    /// The model file's bytes, after checking size and SHA-256 against the record.
    public func modelBytes(_ record: VersionRecord) throws(StoreError) -> [UInt8] {
        let path = "\(try versionFolder(record.name, record.version))/\(record.file)"
        let bytes = try StoreFiles.read(path)
        let digest = Digests.sha256(bytes)
        guard bytes.count == record.size, digest == record.sha256 else {
            throw StoreError(.integrity, "\(record.tag) failed its integrity check: '\(path)' has SHA-256 \(digest) (\(bytes.count) bytes) but \(record.sha256) (\(record.size) bytes) was recorded at import. The file was changed or damaged; import the model again as a new version.")
        }
        return bytes
    }

    /// The training statistics stored with a version, if any.
    public func reference(_ record: VersionRecord) throws(StoreError) -> ReferenceStatistics? {
        guard record.hasReference else { return nil }
        let bytes = try StoreFiles.read("\(try versionFolder(record.name, record.version))/\(Self.referenceFileName)", limit: Self.maxMetadataBytes)
        do {
            return try JSONDecoder().decode(ReferenceStatistics.self, from: Data(bytes))
        } catch {
            throw StoreError(.integrity, "the reference statistics of \(record.tag) cannot be read: \(error).")
        }
    }

    /// The reference CSV stored with a version, if any.
    public func referenceRows(_ record: VersionRecord) throws(StoreError) -> [UInt8]? {
        let path = "\(try versionFolder(record.name, record.version))/\(Self.referenceRowsFileName)"
        guard StoreFiles.entry(path) != .missing else { return nil }
        return try StoreFiles.read(path, limit: Self.maxReferenceRowsBytes)
    }

    /// The folder of a model, refusing a symlink in its place.
    private func modelFolder(_ name: String) throws(StoreError) -> String {
        let folder = "\(root)/\(name)"
        switch StoreFiles.entry(folder) {
        case .directory: break
        case .missing:
            let hint = names().isEmpty ? " The store at '\(root)' is empty; add one with `augur models import`." : " Models: \(names().joined(separator: ", "))."
            throw StoreError(.notFound, "no model named '\(name)' in the store.\(hint)")
        case .symlink: throw StoreError(.integrity, "'\(folder)' is a symlink; the store never follows symlinks.")
        default: throw StoreError(.integrity, "'\(folder)' is not a folder.")
        }
        let versions = "\(folder)/versions"
        if StoreFiles.entry(versions) == .symlink {
            throw StoreError(.integrity, "'\(versions)' is a symlink; the store never follows symlinks.")
        }
        return folder
    }

    private func versionFolder(_ name: String, _ version: String) throws(StoreError) -> String {
        try StoreNames.check(name, as: "model name")
        try StoreNames.check(version, as: "version")
        let folder = "\(try modelFolder(name))/versions/\(version)"
        guard StoreFiles.entry(folder) == .directory else {
            throw StoreError(.notFound, "\(name):\(version) is not in the store (or is not a plain folder).")
        }
        return folder
    }
}
