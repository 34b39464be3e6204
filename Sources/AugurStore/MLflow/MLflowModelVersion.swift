import Foundation

/// One version of a registered model, as MLflow's registry describes it.
///
/// `name` and `version` identify it on its server: with `MLflowClient.server` they are the
/// cache key (MLflow versions are immutable once `READY`; only a registered model deleted and
/// created again reuses numbers, which `source` and `creationTimestamp` then tell apart).
public struct MLflowModelVersion: Sendable, Hashable {
    public let name: String
    /// The version number as MLflow writes it (`"3"`).
    public let version: String
    /// Where the model was logged from: `models:/m-…` (MLflow 3's logged models),
    /// `runs:/RUN/PATH` or a storage URI (MLflow 2). Informative only: downloads ask the server
    /// for the artifact location (`model-versions/get-download-uri`).
    public let source: String
    public let runID: String?
    /// `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`.
    public let status: String
    public let creationTimestamp: Date?
    public let lastUpdatedTimestamp: Date?
    /// The aliases pointing at this version, when the server said (the `get` and `alias`
    /// endpoints do; `search`, used for `latest`, does not, so this is empty then).
    public let aliases: [String]

    public init(name: String, version: String, source: String, runID: String? = nil, status: String = "READY",
                creationTimestamp: Date? = nil, lastUpdatedTimestamp: Date? = nil, aliases: [String] = []) {
        self.name = name
        self.version = version
        self.source = source
        self.runID = runID
        self.status = status
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.aliases = aliases
    }

    public var isReady: Bool { status == "READY" }

    /// The pinned reference to exactly this version (`models:/loan/3`).
    public var reference: MLflowReference { MLflowReference(name: name, selector: .version(version)) }
}

/// The JSON shape of a model version in MLflow's REST answers (proto3 JSON: absent fields are
/// omitted; timestamps are numbers, or strings from some proxies).
struct MLflowModelVersionJSON: Decodable {
    let name: String
    let version: String
    let source: String?
    let run_id: String?
    let status: String?
    let creation_timestamp: FlexibleInt64?
    let last_updated_timestamp: FlexibleInt64?
    let aliases: [String]?

    var modelVersion: MLflowModelVersion {
        MLflowModelVersion(
            name: name, version: version, source: source ?? "", runID: run_id.flatMap { $0.isEmpty ? nil : $0 },
            status: status ?? "READY",
            creationTimestamp: creation_timestamp.map { Date(timeIntervalSince1970: Double($0.value) / 1000) },
            lastUpdatedTimestamp: last_updated_timestamp.map { Date(timeIntervalSince1970: Double($0.value) / 1000) },
            aliases: aliases ?? []
        )
    }
}

/// An int64 written as a JSON number or a JSON string (proto3 JSON allows both).
struct FlexibleInt64: Decodable {
    let value: Int64

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer")
        }
    }
}

/// `{"model_version": {…}}` (model-versions/get, registered-models/alias).
struct MLflowModelVersionAnswer: Decodable {
    let model_version: MLflowModelVersionJSON
}

/// `{"model_versions": […], "next_page_token": "…"}` (model-versions/search); MLflow answers `{}`
/// when nothing matches.
struct MLflowModelVersionPage: Decodable {
    let model_versions: [MLflowModelVersionJSON]?
    let next_page_token: String?
}

/// `{"artifact_uri": "…"}` (model-versions/get-download-uri).
struct MLflowDownloadURIAnswer: Decodable {
    let artifact_uri: String
}

/// `{"files": [{"path", "is_dir", "file_size"}]}` (mlflow-artifacts list).
struct MLflowArtifactListing: Decodable {
    struct File: Decodable {
        let path: String
        let is_dir: Bool?
        let file_size: FlexibleInt64?
    }
    let files: [File]?
}

/// `{"error_code": "…", "message": "…"}`: every MLflow REST error.
struct MLflowErrorAnswer: Decodable {
    let error_code: String?
    let message: String?
}
