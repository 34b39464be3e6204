import Foundation
import Testing
@testable import AugurService

/// `server.header_timeout` … `drain_timeout`, `max_connections` and `server.tls`: defaults,
/// values, and the configuration errors (unknown keys, ranges, missing or unreadable files).
@Suite struct ConnectionSettingsTests {
    private func temp(_ server: String, files: [String: String] = [:]) throws -> TempService {
        try TempService.server(server, files: files)
    }

    @Test func defaultsAreServiceDefaults() throws {
        let c = try temp("port: 8000").configuration().connections
        #expect(c.headerTimeout == 10 && c.idleTimeout == 75 && c.bodyTimeout == 60 && c.requestTimeout == 60)
        #expect(c.maxConnections == 1024 && c.drainTimeout == 25 && c.tls == nil)
    }

    @Test func everySettingIsRead() throws {
        let c = try temp("header_timeout: 1.5\nidle_timeout: 0\nbody_timeout: 2\nrequest_timeout: 3\nmax_connections: 7\ndrain_timeout: 4")
            .configuration().connections
        #expect(c.headerTimeout == 1.5 && c.idleTimeout == 0 && c.bodyTimeout == 2 && c.requestTimeout == 3)
        #expect(c.maxConnections == 7 && c.drainTimeout == 4)
    }

    @Test func tlsPathsAreRelativeToTheConfigurationsFolder() throws {
        let service = try temp("tls: {certificate: cert.pem, key: key.pem}", files: ["cert.pem": "x", "key.pem": "y"])
        let tls = try #require(try service.configuration().connections.tls)
        #expect(tls.certificate == service.folder.appendingPathComponent("cert.pem").path)
        #expect(tls.key == service.folder.appendingPathComponent("key.pem").path)
        #expect(tls.keySource.line == 2 && tls.keySource.keyPath == "server.tls.key")
    }

    @Test func badValuesAreConfigErrorsAtTheirLines() async throws {
        let errors = try await temp("max_connections: 0\nheader_timeout: -1\ntls: {certificate: missing.pem}\nidle_timout: 5").configErrors()
        #expect(errors.contains { $0.hasPrefix("augur.yaml:2: server.max_connections:") })
        #expect(errors.contains { $0.hasPrefix("augur.yaml:3: server.header_timeout:") })
        #expect(errors.contains { $0.hasPrefix("augur.yaml:4: server.tls:") && $0.contains("missing 'key'") })
        #expect(errors.contains { $0.contains("server.idle_timout: unknown key 'idle_timout'; did you mean 'idle_timeout'?") })
        let unreadable = try await temp("tls: {certificate: nope.pem, key: nope.key}").configErrors()
        #expect(unreadable.contains { $0.hasPrefix("augur.yaml:2: server.tls.certificate: cannot read '") && $0.hasSuffix("nope.pem'; expected a readable PEM file.") })
        #expect(unreadable.contains { $0.hasPrefix("augur.yaml:2: server.tls.key: cannot read '") })
    }
}
