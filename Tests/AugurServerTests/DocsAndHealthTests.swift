import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// /docs (CDN or local assets), health and readiness endpoints.
@Suite struct DocsAndHealthTests {
    func get(_ uri: String, docsAssets: String? = nil) async throws -> (Int, String, String?) {
        try await Support.app(try await Support.service("loan"), docsAssets: docsAssets).test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                (Int(response.status.code), String(buffer: response.body), response.headers[.contentType])
            }
        }
    }

    @Test func docsUseTheCDNByDefault() async throws {
        let (status, html, type) = try await get("/docs")
        #expect(status == 200 && type == "text/html; charset=utf-8")
        #expect(html.contains("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"))
        #expect(html.contains("url: \"/openapi.json\""))
        #expect(html.contains("<title>Loan approval - docs</title>"))
    }

    @Test func docsServeLocalAssetsOffline() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-assets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "body{}".write(to: folder.appendingPathComponent("swagger-ui.css"), atomically: true, encoding: .utf8)
        try "// bundle".write(to: folder.appendingPathComponent("swagger-ui-bundle.js"), atomically: true, encoding: .utf8)
        let (_, html, _) = try await get("/docs", docsAssets: folder.path)
        #expect(html.contains("/docs/assets/swagger-ui-bundle.js") && !html.contains("cdn.jsdelivr.net"))
        let (status, css, type) = try await get("/docs/assets/swagger-ui.css", docsAssets: folder.path)
        #expect(status == 200 && css == "body{}" && type == "text/css")
        let (missing, _, _) = try await get("/docs/assets/passwd", docsAssets: folder.path)
        #expect(missing == 404)
        let (traversal, _, _) = try await get("/docs/assets/..%2F..%2Fetc%2Fpasswd", docsAssets: folder.path)
        #expect(traversal == 404)
    }

    @Test func healthAndReadiness() async throws {
        for path in ["/healthz", "/livez"] {
            let (status, body, _) = try await get(path)
            #expect(status == 200 && body == #"{"status":"ok"}"#)
        }
        let (status, body, _) = try await get("/readyz")
        #expect(status == 200)
        #expect(body.hasPrefix(#"{"status":"ready","routes":[{"route":"/loan_status","model":"loan","version":""#))
    }
}
