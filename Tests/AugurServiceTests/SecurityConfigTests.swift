import Foundation
import Testing
@testable import AugurService

/// `server.auth` (API keys from a file or an environment variable) and `server.cors`: what
/// loads, and every way it is refused at startup, without a key ever in a message.
@Suite struct SecurityConfigTests {
    static let key = "k-0123456789abcdef"

    private func temp(_ server: String, files: [String: String] = [:]) throws -> TempService {
        try TempService.server(server, files: files)
    }

    @Test func keysFileOneKeyPerLineWithCommentsAndBlankLines() throws {
        let file = "# production clients\n\n  \(Self.key)  \nsecond-key-0123456789\n# retired: old-key-0123456789\n"
        let configuration = try temp("auth: {api_keys_file: keys.txt}", files: ["keys.txt": file]).configuration()
        let keys = try #require(configuration.apiKeys)
        #expect(keys.count == 2 && keys.description == "2 API keys")
        #expect(keys.contains(Self.key) && keys.contains("second-key-0123456789"))
        #expect(!keys.contains("old-key-0123456789") && !keys.contains("# retired: old-key-0123456789") && !keys.contains(""))
        #expect(try temp("port: 8000").configuration().apiKeys == nil)
    }

    @Test func keysFromAnEnvironmentVariable() throws {
        let name = "AUGUR_TEST_KEYS_\(UUID().uuidString.prefix(8))"
        setenv(name, "\(Self.key)\nanother-key-0123456789", 1)
        defer { unsetenv(name) }
        let keys = try #require(try temp("auth: {api_keys_env: \(name)}").configuration().apiKeys)
        #expect(keys.count == 2 && keys.contains("another-key-0123456789"))
    }

    @Test func refusedAtStartupWithoutRevealingAKey() async throws {
        let cases: [(server: String, files: [String: String], expected: String)] = [
            ("auth: {api_keys_file: keys.txt}", ["keys.txt": "# nothing yet\n\n"],
             "augur.yaml:2: server.auth.api_keys_file: the key file 'keys.txt' holds no keys; write one key per line ('#' starts a comment)."),
            ("auth: {api_keys_file: missing.txt}", [:], "augur.yaml:2: server.auth.api_keys_file: cannot read the key file '/"),
            ("auth: {api_keys_env: AUGUR_TEST_UNSET_VARIABLE}", [:],
             "augur.yaml:2: server.auth.api_keys_env: the environment variable 'AUGUR_TEST_UNSET_VARIABLE' is not set; it must hold the API keys, one per line."),
            ("auth: {api_keys_file: keys.txt, api_keys_env: KEYS}", ["keys.txt": Self.key],
             "augur.yaml:2: server.auth: give exactly one of api_keys_file (a file of keys, one per line) or api_keys_env (an environment variable holding them)."),
            ("auth: {}", [:], "augur.yaml:2: server.auth: give exactly one of"),
            ("auth: {api_key: x}", [:], "augur.yaml:2: server.auth.api_key: unknown key 'api_key'; expected one of api_keys_file, api_keys_env."),
            ("auth: {api_keys_file: keys.txt}", ["keys.txt": "\(Self.key)\nshort-secret\n"],
             "augur.yaml:2: server.auth.api_keys_file: line 2 of the key file 'keys.txt' is not a usable key; a key is at least 16 printable ASCII characters without spaces."),
        ]
        for item in cases {
            let errors = try await temp(item.server, files: item.files).configErrors()
            #expect(errors.first?.hasPrefix(item.expected) == true, "\(item.server): \(errors)")
            #expect(!errors.joined().contains("short-secret") && !errors.joined().contains(Self.key))
        }
    }

    @Test func corsDefaultsAndChecks() async throws {
        let cors = try #require(try temp("cors: {allow_origins: [https://app.example.com, 'http://localhost:3000']}").configuration().cors)
        #expect(cors == CORSConfiguration(allowOrigins: ["https://app.example.com", "http://localhost:3000"],
                                          allowMethods: ["GET", "POST"], maxAge: 600))
        #expect(cors.allowHeaders.contains("X-API-Key") && cors.allows(headers: ["content-type", "authorization", "accept"]))
        #expect(!cors.allows(headers: ["x-secret"]) && !cors.allows(method: "DELETE") && !cors.allows(origin: "https://evil.example"))
        #expect(try temp("port: 8000").configuration().cors == nil)
        #expect(try temp("cors: {allow_origins: ['*'], allow_methods: [get, Post]}").configuration().cors?.allowMethods == ["GET", "POST"])
        let errors = try await temp("""
        cors:
          allow_origins: [https://app.example.com/, ftp://files]
          allow_methods: [GET, FETCH]
          allow_headers: [X API Key]
          max_age: -1
        """).configErrors()
        #expect(errors == [
            "augur.yaml:3: server.cors.allow_origins[0]: 'https://app.example.com/' is not an origin; write scheme://host[:port] with no path or trailing '/', or '*' for any.",
            "augur.yaml:3: server.cors.allow_origins[1]: 'ftp://files' is not an origin; write scheme://host[:port] with no path or trailing '/', or '*' for any.",
            "augur.yaml:4: server.cors.allow_methods[1]: 'FETCH' is not a method; expected '*' or some of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS.",
            "augur.yaml:5: server.cors.allow_headers[0]: 'X API Key' is not a header name.",
            "augur.yaml:6: server.cors.max_age: '-1' is out of range; expected at least 0 and at most 86400.",
        ])
        #expect(try await temp("cors: {allow_origins: []}").configErrors() == [
            "augur.yaml:2: server.cors: allow_origins needs at least one origin (such as https://app.example.com, or '*').",
        ])
    }
}
