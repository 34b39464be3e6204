import Foundation

/// Where the files of a model version live, from the URI `model-versions/get-download-uri`
/// answers, and how Augur reads them.
///
/// - `mlflow-artifacts:/PATH` (what `mlflow server` hands out with `--serve-artifacts`, its
///   default): through the tracking server's artifact proxy,
///   `TRACKING_URI/api/2.0/mlflow-artifacts/artifacts/PATH/FILE`, as MLflow's client does.
///   `mlflow-artifacts://HOST:PORT/PATH` names another proxy host, reached with the tracking
///   URI's scheme and path prefix; credentials go only to the tracking server's own host.
/// - `file:///ABS/PATH` or `/ABS/PATH` (a server with `--no-serve-artifacts` and a local
///   artifact root on this machine): read from disk; the directory and the file are resolved
///   through symlinks and the file must stay inside the directory.
/// - anything else (`s3://`, `gs://`, `wasbs://`, `dbfs:/`, `runs:/`, relative paths) is refused
///   with a message saying how to serve it through the proxy.
enum MLflowArtifactLocation: Sendable, Equatable {
    /// `base` is `scheme://host[:port][/prefix]`; `path` the artifact directory's components.
    case proxy(base: String, path: [String], sameHostAsTracking: Bool)
    /// An absolute, standardised directory path.
    case local(directory: String)

    static let proxyEndpoint = "/api/2.0/mlflow-artifacts/artifacts"

    /// Maps `uri` (from `get-download-uri`) for a tracking server at `tracking`.
    static func mapping(_ uri: String, tracking: MLflowServerURL) throws(MLflowLocationProblem) -> MLflowArtifactLocation {
        if uri.hasPrefix("mlflow-artifacts:") {
            var rest = Substring(uri.dropFirst("mlflow-artifacts:".count))
            var authority = ""
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                authority = String(rest[..<slash])
                rest = rest[slash...]
            }
            let path = try components(of: String(rest), in: uri, decoding: false)
            if authority.isEmpty || authority.lowercased() == tracking.authority.lowercased() {
                return .proxy(base: tracking.base, path: path, sameHostAsTracking: true)
            }
            guard !authority.contains("@"), !authority.hasPrefix(":") else {
                throw MLflowLocationProblem("'\(uri)' names the artifact proxy host '\(authority)', which is not a valid host[:port]")
            }
            return .proxy(base: "\(tracking.scheme)://\(authority)\(tracking.pathPrefix)", path: path, sameHostAsTracking: false)
        }
        if uri.hasPrefix("file:") {
            var rest = Substring(uri.dropFirst("file:".count))
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                let host = rest[..<slash]
                guard host.isEmpty || host.lowercased() == "localhost" else {
                    throw MLflowLocationProblem("'\(uri)' is a file on the host '\(host)', not on this machine")
                }
                rest = rest[slash...]
            }
            return .local(directory: "/" + (try components(of: String(rest), in: uri, decoding: true)).joined(separator: "/"))
        }
        if uri.hasPrefix("/") {
            return .local(directory: "/" + (try components(of: uri, in: uri, decoding: false)).joined(separator: "/"))
        }
        let scheme = uri.firstIndex(of: ":").map { String(uri[..<$0]) + ":" } ?? "a relative path"
        throw MLflowLocationProblem("'\(uri)' is stored with \(scheme), which Augur cannot read; serve artifacts through the tracking server (`mlflow server --serve-artifacts --artifacts-destination …`, the default) so that versions are 'mlflow-artifacts:' URIs, or use a local artifact root on this machine")
    }

    /// The URL (proxy) or path (local) of `file`, a relative path checked by `relativeComponents`.
    func location(of file: [String]) -> String {
        switch self {
        case .proxy(let base, let path, _):
            return base + Self.proxyEndpoint + "/" + (path + file).map(MLflowServerURL.percentEncoded).joined(separator: "/")
        case .local(let directory):
            return ([directory == "/" ? "" : directory] + file).joined(separator: "/")
        }
    }

    /// The URL that lists the artifact directory (proxy only): `…/artifacts?path=DIR`.
    var listingURL: String? {
        guard case .proxy(let base, let path, _) = self else { return nil }
        return base + Self.proxyEndpoint + "?path=" + MLflowServerURL.percentEncoded(path.joined(separator: "/"))
    }

    /// The components of a relative path inside an artifact directory (as the MLmodel file's
    /// `data` field), refusing absolute paths, `..`, empty components and control characters.
    static func relativeComponents(_ path: String) -> [String]? {
        guard !path.hasPrefix("/"), !path.contains("\\") else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            .filter { $0 != "." }
        guard !parts.isEmpty, parts.allSatisfy(isPlainComponent) else { return nil }
        return parts
    }

    private static func components(of path: String, in uri: String, decoding: Bool) throws(MLflowLocationProblem) -> [String] {
        var parts: [String] = []
        for raw in path.split(separator: "/") where raw != "." {
            guard let part = decoding ? String(raw).removingPercentEncoding : String(raw), isPlainComponent(part) else {
                throw MLflowLocationProblem("'\(uri)' contains the path component '\(raw)', which Augur refuses ('..', '/', NUL or control characters)")
            }
            parts.append(part)
        }
        return parts
    }

    private static func isPlainComponent(_ part: String) -> Bool {
        !part.isEmpty && part != ".." && !part.contains("/")
            && !part.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }
}

/// Why an artifact URI cannot be read; `MLflowClient` wraps it into a `StoreError` naming the
/// model version.
struct MLflowLocationProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
