import AugurStore
import Foundation

/// An MLflow reference resolved once and for all by `augur build`: the version it named then,
/// and where that version is cached in the store. A packed service serves it from there with no
/// tracking server, and answers with MLflow's name and version as if it had asked.
public struct MLflowPin: Codable, Sendable, Equatable {
    /// MLflow's model name and version.
    public let name: String
    public let version: String
    /// The store name it is cached under (`mlflow-NAME-…`).
    public let cached: String

    /// `<store>/.mlflow-pins.json`: reference text → pin.
    public static let fileName = ".mlflow-pins.json"

    public static func encode(_ pins: [String: MLflowPin]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return [UInt8](try encoder.encode(pins))
    }
}

/// MLflow Model Registry references: resolved over the network at every load and reload check
/// (one small request), downloaded once per version and cached in the local store under
/// `MLflowClient.storeName(for:)` with MLflow's version number; or, when the store holds a pin
/// for the reference (`MLflowPin`, written by `augur build`), served from the store alone.
struct MLflowSource {
    let trackingURI: String?
    let storeRoot: String

    /// The store's pin for `uri`, if it has a pins file naming it.
    func pin(for uri: String) throws -> MLflowPin? {
        let path = "\(storeRoot)/\(MLflowPin.fileName)"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes = try StoreFiles.read(path, limit: 16 << 20)
        do {
            return try JSONDecoder().decode([String: MLflowPin].self, from: Data(bytes))[uri]
        } catch {
            throw StoreError(.integrity, "the MLflow pins '\(path)' cannot be read: \(error).")
        }
    }

    func client(for uri: String) throws -> MLflowClient {
        guard let trackingURI else {
            throw StoreError(.remote, "'\(uri)' is in an MLflow Model Registry, but no tracking server is set: add mlflow: {tracking_uri: http://HOST:PORT} to augur.yaml or set MLFLOW_TRACKING_URI.")
        }
        return try MLflowClient(trackingURI: trackingURI)
    }

    /// The version the reference names now.
    func locate(_ uri: String) async throws -> ModelPointer {
        if let pin = try pin(for: uri) { return ModelPointer(key: "mlflow:\(pin.name):\(pin.version)", version: pin.version, record: nil) }
        let reference = try MLflowReference(parsing: uri)
        let version = try await client(for: uri).resolve(reference)
        return ModelPointer(key: "mlflow:\(version.name):\(version.version)", version: version.version, record: nil, mlflow: version)
    }

    /// The cached copy of the pointed-at version, downloading it first if needed.
    func fetch(_ uri: String, pointer: ModelPointer) async throws -> (record: VersionRecord, store: ModelStore, name: String) {
        if let pin = try pin(for: uri) {
            let store = try ModelStore(root: storeRoot)
            return (try store.record(name: pin.cached, version: pin.version), store, pin.name)
        }
        let client = try client(for: uri)
        let version: MLflowModelVersion
        if let known = pointer.mlflow { version = known } else { version = try await client.resolve(try MLflowReference(parsing: uri)) }
        let store = try ModelStore(root: storeRoot)
        let cached = client.storeName(for: version.name)
        guard StoreNames.isValid(version.version) else {
            throw StoreError(.invalidName, "'\(uri)' resolved to version '\(version.version)', which cannot be cached in the store.")
        }
        if let record = try? store.record(name: cached, version: version.version) {
            return (record, store, version.name)
        }
        let artifact = try await client.downloadONNX(version)
        var request = ModelImport(name: cached, version: version.version, bytes: artifact.bytes)
        request.source = "models:/\(version.name)/\(version.version)"
        var metadata: [String: String] = [:]
        metadata["mlflow.server"] = client.server
        metadata["mlflow.name"] = version.name
        metadata["mlflow.version"] = version.version
        metadata["mlflow.artifact"] = artifact.artifactURI
        request.metadata = metadata
        if let run = version.runID { request.metadata["mlflow.run_id"] = run }
        let record: VersionRecord
        do throws(StoreError) {
            record = try store.importModel(request)
        } catch {
            // Another process may have cached the same immutable version meanwhile.
            guard error.kind == .conflict else { throw error }
            record = try store.record(name: cached, version: version.version)
        }
        return (record, store, version.name)
    }
}
