import AugurStore

/// MLflow Model Registry references: resolved over the network at every load and reload check
/// (one small request), downloaded once per version and cached in the local store under
/// `MLflowClient.storeName(for:)` with MLflow's version number.
struct MLflowSource {
    let trackingURI: String?
    let storeRoot: String

    func client(for uri: String) throws -> MLflowClient {
        guard let trackingURI else {
            throw StoreError(.remote, "'\(uri)' is in an MLflow Model Registry, but no tracking server is set: add mlflow: {tracking_uri: http://HOST:PORT} to augur.yaml or set MLFLOW_TRACKING_URI.")
        }
        return try MLflowClient(trackingURI: trackingURI)
    }

    /// The version the reference names now.
    func locate(_ uri: String) async throws -> ModelPointer {
        let reference = try MLflowReference(parsing: uri)
        let version = try await client(for: uri).resolve(reference)
        return ModelPointer(key: "mlflow:\(version.name):\(version.version)", version: version.version, record: nil, mlflow: version)
    }

    /// The cached copy of the pointed-at version, downloading it first if needed.
    func fetch(_ uri: String, pointer: ModelPointer) async throws -> (record: VersionRecord, store: ModelStore, name: String) {
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
