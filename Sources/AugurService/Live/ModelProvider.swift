#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AugurONNX
import AugurStore
import Foundation

/// A model imported for serving: which entry it fills, which version it is, and its plan.
public struct LoadedModel: Sendable {
    /// The entry's name in the configuration.
    public let entry: String
    /// The name reported in responses: the store's or MLflow's model name, or the entry's.
    public let name: String
    /// Store and MLflow versions as they are numbered there; for a file, the first 12 hex
    /// digits of its SHA-256.
    public let version: String
    public let sha256: String
    /// Where it was read from, for logs and `/readyz`.
    public let origin: String
    /// What `ModelProvider.locate` saw when this version was chosen.
    public let pointer: ModelPointer
    public let model: ONNXModel
    /// A sample (at most `ReferenceRows.maxRows`) of the reference data in the model's input
    /// columns (`reference:` or the store version's): the routes' importance rankings.
    public var reference: ReferenceRows? = nil
    /// The model's explainer, built at load from every reference row; nil without reference data.
    public var explainer: Result<ModelExplainer, ModelExplainer.Unavailable>? = nil
    /// Per-column statistics of the training data (the store version's `reference.json`, or
    /// computed from `reference:` at load): what drift is measured against.
    public var statistics: ReferenceStatistics? = nil

    init(entry: String, name: String, version: String, sha256: String, origin: String, pointer: ModelPointer, model: ONNXModel,
         reference all: ReferenceRows? = nil, statistics: ReferenceStatistics? = nil) throws {
        self.entry = entry
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.origin = origin
        self.pointer = pointer
        self.model = model
        self.statistics = statistics
        if let all {
            explainer = ModelExplainer.make(plan: model.plan, reference: all)
            reference = try all.sample()
        }
    }
}

/// Where a source's current version is, cheap to compute so it can be polled: a store
/// version and digest, an MLflow version, or a file's identity (device, inode, size, mtime).
public struct ModelPointer: Sendable, Equatable {
    /// Equal keys mean the same bytes; a different key means "look again".
    public let key: String
    /// The version, when known before reading the bytes (store, MLflow).
    public let version: String?
    let record: VersionRecord?
    var mlflow: MLflowModelVersion? = nil
}

/// Finds and reads the models behind configuration entries: files, the local store, MLflow.
public struct ModelProvider: Sendable {
    public let storeRoot: String
    public let mlflowTrackingURI: String?
    public let importer: ONNXImporter

    public init(storeRoot: String, mlflowTrackingURI: String?, importer: ONNXImporter = ONNXImporter()) {
        self.storeRoot = storeRoot
        self.mlflowTrackingURI = mlflowTrackingURI
        self.importer = importer
    }

    public init(configuration: ServiceConfiguration, importer: ONNXImporter = ONNXImporter()) {
        self.init(storeRoot: configuration.storeRoot, mlflowTrackingURI: configuration.mlflowTrackingURI, importer: importer)
    }

    /// Where the entry's version is now.
    public func locate(_ entry: ModelEntry) async throws -> ModelPointer {
        switch entry.source {
        case .file, .store: return try locateLocal(entry)
        case .mlflow(let uri): return try await MLflowSource(trackingURI: mlflowTrackingURI, storeRoot: storeRoot).locate(uri)
        }
    }

    /// Reads, verifies and imports the version `pointer` names: the one load path of serve,
    /// reloads and `augur predict --config`. The reading and importing run on `LoadQueue`, off
    /// the threads that serve requests; an MLflow download before them is asynchronous I/O.
    public func load(_ entry: ModelEntry, at pointer: ModelPointer) async throws -> LoadedModel {
        let provider = self
        switch entry.source {
        case .file, .store: return try await LoadQueue.run { try provider.loadLocal(entry, at: pointer) }
        case .mlflow(let uri):
            let (record, store, name) = try await MLflowSource(trackingURI: mlflowTrackingURI, storeRoot: storeRoot).fetch(uri, pointer: pointer)
            return try await LoadQueue.run {
                try provider.loadRecord(entry, record, store: store, pointer: pointer, origin: "\(uri) (cached as \(record.tag))", name: name)
            }
        }
    }

    /// Resolves an MLflow reference now and caches the version it names in the store
    /// (downloading it if needed): what `augur build` pins into a package.
    public func pinMLflow(_ uri: String) async throws -> (pin: MLflowPin, record: VersionRecord) {
        let source = MLflowSource(trackingURI: mlflowTrackingURI, storeRoot: storeRoot)
        let (record, _, name) = try await source.fetch(uri, pointer: try await source.locate(uri))
        return (MLflowPin(name: name, version: record.version, cached: record.name), record)
    }

    /// `locate` for files and the store, without suspending.
    public func locateLocal(_ entry: ModelEntry) throws -> ModelPointer {
        switch entry.source {
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw StoreError(.notFound, "model file '\(path)' cannot be read: \(String(cString: strerror(errno))).")
            }
            let key = "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            return ModelPointer(key: key, version: nil, record: nil)
        case .store(let reference):
            let record = try ModelStore(root: storeRoot).resolve(reference)
            return ModelPointer(key: "\(record.version):\(record.sha256)", version: record.version, record: record)
        case .mlflow(let uri):
            throw StoreError(.remote, "'\(uri)' is in an MLflow registry; it is loaded over the network (asynchronously).")
        }
    }

    /// `load` for files and the store, on the calling thread.
    func loadLocal(_ entry: ModelEntry, at pointer: ModelPointer) throws -> LoadedModel {
        switch entry.source {
        case .file(let path):
            let bytes = try StoreFiles.readModelFile(path, limit: importer.maxFileSize)
            let digest = Digests.sha256(bytes)
            let model = try importer.load(bytes: Data(bytes))
            let reference = try entry.reference.map { try Self.readReference($0, model: model) }
            return try LoadedModel(entry: entry.name, name: entry.name, version: String(digest.prefix(ServiceDefaults.versionDigits)),
                               sha256: digest, origin: path, pointer: pointer, model: model,
                               reference: reference?.rows, statistics: reference?.statistics)
        case .store(let reference):
            let store = try ModelStore(root: storeRoot)
            let record = try pointer.record ?? store.resolve(reference)
            return try loadRecord(entry, record, store: store, pointer: pointer, origin: "\(reference) in \(storeRoot)")
        case .mlflow(let uri):
            throw StoreError(.remote, "'\(uri)' is in an MLflow registry; it is loaded over the network (asynchronously).")
        }
    }

    private func loadRecord(_ entry: ModelEntry, _ record: VersionRecord, store: ModelStore, pointer: ModelPointer,
                            origin: String, name: String? = nil) throws -> LoadedModel {
        let bytes = try store.modelBytes(record)
        let model = try importer.load(bytes: Data(bytes))
        var reference: ReferenceRows?
        var statistics = try store.reference(record)
        if let path = entry.reference {
            let read = try Self.readReference(path, model: model)
            reference = read.rows
            statistics = read.statistics
        } else if let csv = try store.referenceRows(record) {
            reference = try ReferenceRows(csv: Data(csv), source: "\(record.tag) \(ModelStore.referenceRowsFileName)", model: model)
        }
        return try LoadedModel(entry: entry.name, name: name ?? record.name, version: record.version, sha256: record.sha256,
                           origin: origin, pointer: pointer, model: model, reference: reference, statistics: statistics)
    }

    /// A `reference:` CSV: its rows in the model's input columns and its columns' statistics.
    static func readReference(_ path: String, model: ONNXModel) throws -> (rows: ReferenceRows, statistics: ReferenceStatistics) {
        let bytes = Data(try StoreFiles.read(path, limit: ReferenceRows.maxBytes))
        let source = URL(fileURLWithPath: path).lastPathComponent
        let rows = try ReferenceRows(csv: bytes, source: source, model: model)
        return (rows, try TrainingStatistics.compute(csv: bytes, source: source))
    }
}
