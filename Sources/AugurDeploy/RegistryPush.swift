import AsyncHTTPClient
import AugurService
import Foundation
import NIOCore
import NIOHTTP1

/// Pushes an `OCIImage` to a registry over the OCI distribution API, Docker-free: each blob is
/// checked with `HEAD` and, when missing, uploaded in one `POST` + `PUT ?digest=`; then the
/// manifest is `PUT` under the tag. A `401` is answered as its `WWW-Authenticate` asks: `Basic`
/// with the credentials, or `Bearer` with a token fetched from the realm it names (with the
/// credentials, when there are any), as Docker Hub, GHCR, ECR and Artifact Registry do.
public struct RegistryPush: Sendable {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// `registry/repository:tag`.
    public struct Destination: Sendable, CustomStringConvertible {
        public let registry: String
        public let repository: String
        public let tag: String

        /// `host[:port]/path/name[:tag]`; without a registry host, Docker Hub (`library/` for a
        /// one-part name). A `@sha256:` reference is refused: a push names a tag.
        public init(parsing text: String, defaultTag: String) throws {
            guard !text.contains("@"), !text.isEmpty, !text.contains("://") else {
                throw Problem(description: "'\(text)' is not an image reference to push to (REGISTRY/REPOSITORY[:TAG], without a scheme or a digest).")
            }
            var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var registry = "registry-1.docker.io"
            if parts.count > 1, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
                registry = parts.removeFirst()
            } else if parts.count == 1 {
                parts.insert("library", at: 0)
            }
            var last = parts.removeLast()
            var tag = defaultTag
            if let colon = last.lastIndex(of: ":") {
                tag = String(last[last.index(after: colon)...])
                last = String(last[..<colon])
            }
            parts.append(last)
            let component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
            guard parts.allSatisfy({ (try? component.wholeMatch(in: $0)) != nil }) else {
                throw Problem(description: "'\(text)': a repository is lowercase letters, digits and separators (. _ __ -) between '/'.")
            }
            guard (try? /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.wholeMatch(in: tag)) != nil else {
                throw Problem(description: "'\(tag)' is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -).")
            }
            self.registry = registry
            repository = parts.joined(separator: "/")
            self.tag = tag
        }

        public var description: String { "\(registry)/\(repository):\(tag)" }

        /// Loopback registries are spoken to over plain HTTP, as Docker and podman do.
        public var isLoopback: Bool {
            let host = registry.hasPrefix("[") ? String(registry.prefix { $0 != "]" }.dropFirst()) : String(registry.split(separator: ":").first ?? "")
            return host == "localhost" || host.hasPrefix("127.") || host == "::1"
        }
    }

    public struct Credentials: Sendable {
        public let username: String
        public let password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        var basic: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }

        /// `AUGUR_REGISTRY_USERNAME` and `AUGUR_REGISTRY_PASSWORD`, else the registry's entry in
        /// podman's `auth.json` (`REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`) or
        /// Docker's `config.json` (`$DOCKER_CONFIG`, `~/.docker`). Credential helpers
        /// (`credsStore`, `credHelpers`) are programs and are never run.
        public static func lookup(registry: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Credentials? {
            if let username = environment["AUGUR_REGISTRY_USERNAME"], let password = environment["AUGUR_REGISTRY_PASSWORD"] {
                return Credentials(username: username, password: password)
            }
            var files: [String] = []
            if let file = environment["REGISTRY_AUTH_FILE"] { files.append(file) }
            if let runtime = environment["XDG_RUNTIME_DIR"] { files.append("\(runtime)/containers/auth.json") }
            let home = environment["HOME"] ?? NSHomeDirectory()
            files.append("\(environment["DOCKER_CONFIG"] ?? "\(home)/.docker")/config.json")
            let keys = registry == "registry-1.docker.io"
                ? ["https://index.docker.io/v1/", "index.docker.io", "docker.io", registry] : [registry, "https://\(registry)", "http://\(registry)"]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file),
                      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
                if let auths = json["auths"] as? [String: Any], let entry = keys.lazy.compactMap({ auths[$0] as? [String: Any] }).first {
                    if let encoded = entry["auth"] as? String, let decoded = Data(base64Encoded: encoded).map({ String(decoding: $0, as: UTF8.self) }),
                       let colon = decoded.firstIndex(of: ":") {
                        return Credentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
                    }
                    if let username = entry["username"] as? String, let password = entry["password"] as? String {
                        return Credentials(username: username, password: password)
                    }
                }
            }
            return nil
        }
    }

    let destination: Destination
    let credentials: Credentials?
    let client: HTTPClient
    let base: String
    private var authorization: String?

    public init(destination: Destination, credentials: Credentials?, plainHTTP: Bool = false, client: HTTPClient) {
        self.destination = destination
        self.credentials = credentials
        self.client = client
        base = "\(plainHTTP || destination.isLoopback ? "http" : "https")://\(destination.registry)"
    }

    /// The client `augur build --push` uses: no redirects (credentials are never resent to
    /// another host), generous read timeouts for large layers.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(300)),
                                                     decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Uploads the blobs the registry lacks, then the manifest; returns what was uploaded.
    public mutating func push(_ image: OCIImage) async throws -> (uploaded: [String], skipped: [String]) {
        let repository = "\(base)/v2/\(destination.repository)"
        var uploaded: [String] = [], skipped: [String] = []
        for blob in [image.layer, image.config] {
            let head = try await send(.HEAD, "\(repository)/blobs/\(blob.digest)")
            if head.status == 200 {
                skipped.append(blob.digest)
                continue
            }
            let start = try await send(.POST, "\(repository)/blobs/uploads/", headers: [("Content-Length", "0")])
            guard start.status == 202, let location = start.location else { throw failure(start, "starting the upload of \(blob.digest)") }
            var target = location.hasPrefix("/") ? base + location : location
            guard target.hasPrefix(base + "/") else {
                throw Problem(description: "\(destination.registry) sent the upload to another host ('\(location)'); Augur sends credentials only to the registry named.")
            }
            target += (target.contains("?") ? "&" : "?") + "digest=" + blob.digest
            let put = try await send(.PUT, target, body: blob.bytes, headers: [("Content-Type", "application/octet-stream")])
            guard put.status == 201 else { throw failure(put, "uploading \(blob.digest) (\(blob.bytes.count) bytes)") }
            uploaded.append(blob.digest)
        }
        let manifest = try await send(.PUT, "\(repository)/manifests/\(destination.tag)", body: image.manifest.bytes,
                                      headers: [("Content-Type", OCIImage.manifestType)])
        guard manifest.status == 201 else { throw failure(manifest, "putting the manifest under the tag '\(destination.tag)'") }
        return (uploaded, skipped)
    }

    struct Answer {
        let status: Int
        let location: String?
        let challenge: String?
        let body: [UInt8]
    }

    /// Sends one request; on a 401, authenticates as the challenge asks and sends it again once.
    private mutating func send(_ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = []) async throws -> Answer {
        var answer = try await execute(method, url, body: body, headers: headers, authorization: authorization)
        if answer.status == 401, let challenge = answer.challenge {
            authorization = try await authenticate(challenge)
            answer = try await execute(method, url, body: body, headers: headers, authorization: authorization)
            if answer.status == 401 {
                throw Problem(description: "\(destination.registry) refused the credentials\(credentials == nil ? " (none were found: set AUGUR_REGISTRY_USERNAME and AUGUR_REGISTRY_PASSWORD, or log in with podman or docker; credential helpers are programs Augur does not run)" : " of '\(credentials!.username)'") (HTTP 401 at '\(url)').")
            }
        }
        return answer
    }

    private func execute(_ method: HTTPMethod, _ url: String, body: [UInt8]?, headers: [(String, String)],
                         authorization: String?) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "augur/\(AugurVersion.current)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: .seconds(600))
            var bytes: [UInt8] = []
            for try await chunk in response.body where bytes.count < 1 << 20 { bytes.append(contentsOf: chunk.readableBytesView) }
            return Answer(status: Int(response.status.code), location: response.headers.first(name: "Location"),
                          challenge: response.headers.first(name: "WWW-Authenticate"), body: bytes)
        } catch {
            throw Problem(description: "cannot reach the registry \(destination.registry) (\(method.rawValue) '\(url)'): \(error).")
        }
    }

    /// The `Authorization` value a challenge asks for.
    private func authenticate(_ challenge: String) async throws -> String {
        let scheme = challenge.prefix { $0 != " " }.lowercased()
        let parameters = Self.parameters(of: String(challenge.drop { $0 != " " }))
        switch scheme {
        case "basic":
            guard let credentials else {
                throw Problem(description: "\(destination.registry) asks for a user name and password: set AUGUR_REGISTRY_USERNAME and AUGUR_REGISTRY_PASSWORD, or log in with podman or docker (credential helpers are programs Augur does not run).")
            }
            return credentials.basic
        case "bearer":
            guard let realm = parameters["realm"], var components = URLComponents(string: realm), let realmScheme = components.scheme,
                  realmScheme == "https" || (realmScheme == "http" && destination.isLoopback) else {
                throw Problem(description: "\(destination.registry) names no usable token realm in its challenge ('\(challenge)').")
            }
            var query = components.queryItems ?? []
            if let service = parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
            query.append(URLQueryItem(name: "scope", value: "repository:\(destination.repository):pull,push"))
            components.queryItems = query
            guard let url = components.string else { throw Problem(description: "cannot build the token request for '\(realm)'.") }
            let answer = try await execute(.GET, url, body: nil, headers: [], authorization: credentials?.basic)
            struct Token: Decodable { let token: String?; let access_token: String? }
            guard answer.status == 200, let decoded = try? JSONDecoder().decode(Token.self, from: Data(answer.body)),
                  let token = decoded.token ?? decoded.access_token else {
                throw Problem(description: "the token service '\(realm)' of \(destination.registry) refused \(credentials == nil ? "an anonymous push" : "the credentials of '\(credentials!.username)'") (HTTP \(answer.status): \(Self.snippet(answer.body))).")
            }
            return "Bearer " + token
        default:
            throw Problem(description: "\(destination.registry) asks for '\(scheme)' authentication, which Augur does not speak (Basic and Bearer only).")
        }
    }

    /// `realm="…",service="…",scope="…"`.
    static func parameters(of text: String) -> [String: String] {
        var result: [String: String] = [:]
        for match in text.matches(of: /([A-Za-z_]+)="([^"]*)"/) { result[String(match.1).lowercased()] = String(match.2) }
        return result
    }

    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no body" : text
    }

    private func failure(_ answer: Answer, _ doing: String) -> Problem {
        Problem(description: "\(destination.registry) answered HTTP \(answer.status) \(doing) for \(destination): \(Self.snippet(answer.body)).")
    }
}
