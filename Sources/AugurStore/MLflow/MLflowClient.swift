import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads an MLflow Model Registry over its REST API: resolves `models:/…` references to
/// versions and downloads their ONNX file.
///
/// Meant to be used as: `resolve` (one small request; cheap enough to poll) → look the version
/// up in the local store under `storeName(for:)` and `version.version` → `downloadONNX` only
/// when it is missing. Nothing a server sends is executed or unpickled: only the MLmodel file
/// (YAML, read as data) and the ONNX file it names are fetched.
public final class MLflowClient: Sendable {
    /// The client used unless another is passed: redirects are not followed (AsyncHTTPClient
    /// would resend the `Authorization` header to whatever host a redirect names) and a refused
    /// connection fails at once instead of being retried until the deadline. It lives as long
    /// as the process, like `HTTPClient.shared`.
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Default limit on the ONNX file's size.
    public static let defaultMaxModelBytes = 1 << 30
    /// Limit on REST answers and the MLmodel file.
    static let maxMetadataBytes = 8 << 20
    /// `latest` reads the newest versions in pages of `searchPageSize` (the first one is nearly
    /// always `READY`, so a poll stays small), at most `maxSearchPages` of them.
    static let searchPageSize = 10
    static let maxSearchPages = 20

    /// The tracking server, normalised (`http://host:port[/prefix]`, no trailing slash); with a
    /// version's name and number, the key of a cached copy.
    public let server: String
    let serverURL: MLflowServerURL
    let credentials: MLflowCredentials?
    let httpClient: HTTPClient
    /// Limit for each registry request (and for reading the MLmodel file).
    public let timeout: Duration
    /// Limit for downloading the ONNX file.
    public let downloadTimeout: Duration
    public let maxModelBytes: Int

    /// - Parameters:
    ///   - trackingURI: `http[s]://HOST[:PORT][/PREFIX]`, as `MLFLOW_TRACKING_URI`.
    ///   - credentials: sent as `Authorization` to the tracking server only; by default what
    ///     MLflow's own environment variables say (`MLflowCredentials.fromEnvironment()`).
    public init(
        trackingURI: String,
        credentials: MLflowCredentials? = MLflowCredentials.fromEnvironment(),
        httpClient: HTTPClient = MLflowClient.defaultHTTPClient,
        timeout: Duration = .seconds(10),
        downloadTimeout: Duration = .seconds(300),
        maxModelBytes: Int = MLflowClient.defaultMaxModelBytes
    ) throws(StoreError) {
        self.serverURL = try MLflowServerURL(parsing: trackingURI)
        self.server = serverURL.base
        self.credentials = credentials
        self.httpClient = httpClient
        self.timeout = timeout
        self.downloadTimeout = downloadTimeout
        self.maxModelBytes = maxModelBytes
    }

    /// A client for `MLFLOW_TRACKING_URI` with the credentials of the same environment, or nil
    /// when the variable is unset or empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) -> MLflowClient? {
        guard let uri = environment["MLFLOW_TRACKING_URI"], !uri.isEmpty else { return nil }
        return try MLflowClient(trackingURI: uri, credentials: .fromEnvironment(environment))
    }

    /// The version `reference` selects now: one request (`latest` may page through the newest
    /// versions for one that is `READY`). Aliases and pinned versions are returned whatever
    /// their status; `downloadONNX` refuses one that is not `READY`.
    public func resolve(_ reference: MLflowReference) async throws(StoreError) -> MLflowModelVersion {
        let subject = "'\(reference)'"
        let resolved: MLflowModelVersion
        switch reference.selector {
        case .version(let version):
            let answer: MLflowModelVersionAnswer = try await getJSON(
                "model-versions/get", [("name", reference.name), ("version", version)], subject: subject)
            resolved = answer.model_version.modelVersion
        case .alias(let alias):
            let answer: MLflowModelVersionAnswer = try await getJSON(
                "registered-models/alias", [("name", reference.name), ("alias", alias)], subject: subject)
            resolved = answer.model_version.modelVersion
        case .latest:
            resolved = try await latestReadyVersion(of: reference)
        }
        guard MLflowReference.normalisedVersion(resolved.version) == resolved.version else {
            throw StoreError(.remote, "The MLflow server '\(server)' answered \(subject) with the version '\(resolved.version)', which is not a version number; is it an MLflow tracking server?")
        }
        return resolved
    }

    /// A name for the local store (`StoreNames`-valid) under which versions of the registered
    /// model `name` on this server are cached: `mlflow-` + the name with other characters
    /// replaced by `-` + 8 hex digits of SHA-256(server, name), so two servers or two names
    /// that read alike never share an entry. Versions are cached under `version.version`.
    public func storeName(for name: String) -> String {
        let digest = Digests.sha256(Array("\(server)\n\(name)".utf8)).prefix(8)
        var slug = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_" || scalar == "-")
                ? Character(scalar) : "-"
        })
        slug = String(slug.prefix(StoreNames.maxLength - "mlflow--".count - digest.count))
        return "mlflow-\(slug)-\(digest)"
    }

    /// `latest`: the highest version number among `READY` versions, from
    /// `model-versions/search` ordered by version number; names that MLflow's filter syntax
    /// cannot quote fall back to `registered-models/get-latest-versions`.
    private func latestReadyVersion(of reference: MLflowReference) async throws(StoreError) -> MLflowModelVersion {
        let subject = "'\(reference)'"
        func newestReady(_ versions: [MLflowModelVersionJSON]?) -> MLflowModelVersion? {
            (versions ?? []).map(\.modelVersion)
                .filter { $0.isReady && $0.name == reference.name }
                .max { (Int64($0.version) ?? 0) < (Int64($1.version) ?? 0) }
        }
        if let filter = Self.nameFilter(reference.name) {
            var pageToken: String?
            for _ in 0..<Self.maxSearchPages {
                var query = [("filter", filter), ("order_by", "version_number DESC"), ("max_results", String(Self.searchPageSize))]
                if let pageToken { query.append(("page_token", pageToken)) }
                let page: MLflowModelVersionPage = try await getJSON("model-versions/search", query, subject: subject)
                if let found = newestReady(page.model_versions) { return found }
                guard let next = page.next_page_token, !next.isEmpty else { break }
                pageToken = next
            }
            // Nothing READY: an unknown model answers 404 here, which `getJSON` reports.
            let _: MLflowIgnoredAnswer = try await getJSON("registered-models/get", [("name", reference.name)], subject: subject)
        } else {
            let answer: MLflowModelVersionPage = try await getJSON(
                "registered-models/get-latest-versions", [("name", reference.name)], subject: subject)
            if let found = newestReady(answer.model_versions) { return found }
        }
        throw StoreError(.notFound, "\(subject) has no version with status READY on the MLflow server '\(server)'; register one, or wait until its registration finishes.")
    }

    /// `name='…'` for MLflow's search filter, or nil when the name holds both kinds of quote or
    /// a backslash (MLflow's filter parser has no escapes for those).
    static func nameFilter(_ name: String) -> String? {
        if name.contains("\\") { return nil }
        if !name.contains("'") { return "name='\(name)'" }
        if !name.contains("\"") { return "name=\"\(name)\"" }
        return nil
    }
}

/// Any JSON object, when only the status of an answer matters.
struct MLflowIgnoredAnswer: Decodable {}
