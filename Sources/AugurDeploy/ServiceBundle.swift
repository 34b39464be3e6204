import AugurService
import AugurStore
import Foundation

/// The files a deployed service needs, at paths relative to its folder: `augur.yaml`, every
/// model file it names (at the same relative paths), the TLS files it names, and for store
/// references (`loan@production`) and MLflow references (`models:/loan@champion`, pinned: see
/// `MLflowPin`) a store holding just the versions they resolve to now, with their records and
/// the aliases used, checked against their SHA-256. What a Lambda package
/// and a container image carry. The store is at `.augur/models`, where the default store of
/// `AUGUR_HOME=<folder>/.augur` is: the image and the Lambda bootstrap set that variable.
public struct ServiceBundle: Sendable {
    public struct File: Sendable {
        public let path: String
        public let bytes: [UInt8]
        public let isDirectory: Bool

        init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
            isDirectory = false
        }

        init(directory path: String) {
            self.path = path
            bytes = []
            isDirectory = true
        }
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The packed `AUGUR_HOME`, relative to the service's folder, and its store.
    public static let homeFolder = ".augur"
    public static let storeFolder = ".augur/models"

    public private(set) var files: [File] = []
    /// Model name under `models:` → SHA-256 of the file packed for it.
    public private(set) var modelDigests: [(name: String, sha256: String)] = []

    public init(configuration: ServiceConfiguration) async throws {
        let config = URL(fileURLWithPath: configuration.path).standardizedFileURL.resolvingSymlinksInPath()
        let folder = config.deletingLastPathComponent().path
        files.append(File(path: "augur.yaml", bytes: try Self.read(config.path)))
        var packed: Set<String> = ["augur.yaml"]

        func addInsideFolder(_ path: String, what: String) throws -> [UInt8] {
            let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            guard real.hasPrefix(folder + "/") else {
                throw Problem(description: "\(what) is '\(path)', outside the configuration's folder '\(folder)'; move it there (with a path relative to augur.yaml) to pack it.")
            }
            let relative = String(real.dropFirst(folder.count + 1))
            guard relative != Self.homeFolder, !relative.hasPrefix(Self.homeFolder + "/") else {
                throw Problem(description: "\(what) is '\(path)', inside '\(Self.homeFolder)/' next to augur.yaml, where the packed store goes; move it.")
            }
            let bytes = try Self.read(real)
            if packed.insert(relative).inserted { files.append(File(path: relative, bytes: bytes)) }
            return bytes
        }

        var store: ModelStore?
        var versions: [String: Set<String>] = [:], aliases: [String: [String: String]] = [:], pins: [String: MLflowPin] = [:]
        /// Copies a store version (model, record, statistics) into the packed store, once.
        func addVersion(_ record: VersionRecord) throws {
            if store == nil { store = try ModelStore(root: configuration.storeRoot) }
            guard let store, versions[record.name, default: []].insert(record.version).inserted else { return }
            let bytes = try store.modelBytes(record) // checks size and SHA-256
            let folder = "\(Self.storeFolder)/\(record.name)/versions/\(record.version)"
            let source = "\(store.root)/\(record.name)/versions/\(record.version)"
            files.append(File(path: "\(folder)/\(record.file)", bytes: bytes))
            files.append(File(path: "\(folder)/version.json", bytes: try Self.read("\(source)/version.json")))
            if record.hasReference { files.append(File(path: "\(folder)/reference.json", bytes: try Self.read("\(source)/reference.json"))) }
            if let rows = try store.referenceRows(record) {
                files.append(File(path: "\(folder)/\(ModelStore.referenceRowsFileName)", bytes: rows))
            }
        }
        for model in configuration.models {
            switch model.source {
            case .file(let path):
                let bytes = try addInsideFolder(path, what: "model '\(model.name)'")
                modelDigests.append((model.name, Digests.sha256(bytes)))
                if let reference = model.reference { _ = try addInsideFolder(reference, what: "the reference data of model '\(model.name)'") }
            case .store(let reference):
                do {
                    if store == nil { store = try ModelStore(root: configuration.storeRoot) }
                    guard let record = try store?.resolve(reference) else { continue }
                    try addVersion(record)
                    if case .alias(let alias) = reference.selector { aliases[record.name, default: [:]][alias] = record.version }
                    modelDigests.append((model.name, record.sha256))
                } catch let error as StoreError {
                    throw Problem(description: "model '\(model.name)' (\(reference) in \(configuration.storeRoot)): \(error)")
                }
            case .mlflow(let uri):
                // Resolved now (downloaded into the local store if needed) and pinned: the
                // package serves that version with no tracking server.
                do {
                    let (pin, record) = try await ModelProvider(configuration: configuration).pinMLflow(uri)
                    try addVersion(record)
                    pins[uri] = pin
                    modelDigests.append((model.name, record.sha256))
                } catch {
                    throw Problem(description: "model '\(model.name)' (\(uri)): \(error)")
                }
            }
        }
        if let tls = configuration.connections.tls {
            _ = try addInsideFolder(tls.certificate, what: "the TLS certificate")
            _ = try addInsideFolder(tls.key, what: "the TLS key")
        }
        if !versions.isEmpty {
            files.append(File(directory: Self.homeFolder))
            files.append(File(directory: Self.storeFolder))
            files.append(File(directory: "\(Self.storeFolder)/.staging"))
            if !pins.isEmpty { files.append(File(path: "\(Self.storeFolder)/\(MLflowPin.fileName)", bytes: try MLflowPin.encode(pins))) }
            for (name, table) in aliases.sorted(by: { $0.key < $1.key }) {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                files.append(File(path: "\(Self.storeFolder)/\(name)/aliases.json", bytes: [UInt8](try encoder.encode(table))))
            }
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(description: "cannot read '\(path)'.") }
        return [UInt8](data)
    }

    /// Writes the bundle under `folder` (a scratch copy to load before packing, or a Docker
    /// build context).
    public func write(into folder: URL) throws {
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            if file.isDirectory {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                continue
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
        }
    }
}
