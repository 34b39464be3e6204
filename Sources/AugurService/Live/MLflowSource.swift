import AugurStore

/// MLflow Model Registry references, resolved over the network and cached in the local store
/// under `<store>/.mlflow/<server>/`.
struct MLflowSource {
    let trackingURI: String?
    let storeRoot: String

    /// The cache for one tracking server: a model store of its own, keyed by the server's URL.
    static func cacheStore(storeRoot: String, trackingURI: String?) throws -> ModelStore {
        let uri = trackingURI ?? ""
        let readable = String(uri.split(separator: "/").dropFirst().joined(separator: "_").map { StoreNames.isValid(String($0)) ? $0 : "_" })
        return try ModelStore(root: "\(storeRoot)/.mlflow/\(readable.prefix(64))-\(SHA256.hex(Array(uri.utf8)).prefix(8))")
    }

    func locate(_ uri: String) async throws -> ModelPointer {
        throw StoreError(.remote, "'\(uri)': MLflow registry support is not built yet.")
    }

    func fetch(_ uri: String, pointer: ModelPointer) async throws -> VersionRecord {
        throw StoreError(.remote, "'\(uri)': MLflow registry support is not built yet.")
    }
}
