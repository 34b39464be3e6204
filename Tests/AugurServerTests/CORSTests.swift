import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `server.cors`: preflights answered (before authentication), refused ones as 400
/// `cors_rejected`, allowed origins' answers (errors too) carrying the CORS headers; off by default.
@Suite struct CORSTests {
    static let origin = "https://app.example.com"

    static func app(_ cors: CORSConfiguration?, keys: [String]? = nil) async throws -> some ApplicationProtocol {
        try await AuthTests.app(keys: keys, cors: cors)
    }

    static func preflight(_ client: some TestClientProtocol, origin: String = origin, method: String = "POST",
                          headers: String? = "content-type, x-api-key") async throws -> (Int, HTTPFields, JSONValue) {
        var fields: HTTPFields = [.origin: origin, .accessControlRequestMethod: method]
        if let headers { fields[.accessControlRequestHeaders] = headers }
        return try await client.execute(uri: "/loan_status", method: .options, headers: fields) {
            (Int($0.status.code), $0.headers, (try? Support.json($0.body)) ?? .null)
        }
    }

    @Test func preflightIsAnsweredBeforeAuthentication() async throws {
        try await Self.app(CORSConfiguration(allowOrigins: [Self.origin]), keys: [AuthTests.key]).test(.router) { client in
            let (status, headers, _) = try await Self.preflight(client)
            #expect(status == 204)
            #expect(headers[.accessControlAllowOrigin] == Self.origin && headers[.vary] == "Origin")
            #expect(headers[.accessControlAllowMethods] == "GET, POST")
            #expect(headers[.accessControlAllowHeaders] == "Authorization, Content-Type, X-API-Key, X-Request-ID, Inference-Header-Content-Length")
            #expect(headers[.accessControlMaxAge] == "600")

            // The real request: refused without a key, and the browser may read why.
            let refused = try await client.execute(uri: "/loan_status", method: .post, headers: [.origin: Self.origin, .contentType: "application/json"],
                                                   body: ByteBuffer(string: AuthTests.row)) { $0 }
            #expect(refused.status == .unauthorized && refused.headers[.accessControlAllowOrigin] == Self.origin)
            let served = try await client.execute(uri: "/loan_status", method: .post,
                                                  headers: [.origin: Self.origin, .contentType: "application/json", .authorization: "Bearer \(AuthTests.key)"],
                                                  body: ByteBuffer(string: AuthTests.row)) { $0 }
            #expect(served.status == .ok && served.headers[.accessControlAllowOrigin] == Self.origin)
            #expect(served.headers[.accessControlExposeHeaders] == "X-Model-Name, X-Model-Version, X-Request-ID")
        }
    }

    @Test func refusedPreflightsSayWhy() async throws {
        try await Self.app(CORSConfiguration(allowOrigins: [Self.origin])).test(.router) { client in
            let cases: [(origin: String, method: String, headers: String?, refused: String)] = [
                ("https://evil.example", "POST", nil, "origin 'https://evil.example'"),
                (Self.origin, "DELETE", nil, "method 'DELETE'"),
                (Self.origin, "POST", "content-type, x-secret", "headers 'content-type, x-secret'"),
            ]
            for item in cases {
                let (status, headers, body) = try await Self.preflight(client, origin: item.origin, method: item.method, headers: item.headers)
                #expect(status == 400 && headers[.accessControlAllowOrigin] == nil)
                #expect(body["detail"]?[0]?["type"] == "cors_rejected")
                guard case .string(let message)? = body["detail"]?[0]?["msg"] else { Issue.record("\(body)"); continue }
                #expect(message.contains(item.refused), "\(message)")
            }
            let other = try await client.execute(uri: "/healthz", method: .get, headers: [.origin: "https://evil.example"]) { $0 }
            #expect(other.status == .ok && other.headers[.accessControlAllowOrigin] == nil, "served, but without CORS headers")
        }
    }

    @Test func wildcardsAllowAnyOriginMethodAndHeader() async throws {
        try await Self.app(CORSConfiguration(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], maxAge: 60)).test(.router) { client in
            let (status, headers, _) = try await Self.preflight(client, origin: "http://localhost:3000", method: "PUT", headers: "x-anything")
            #expect(status == 204 && headers[.accessControlAllowOrigin] == "*" && headers[.accessControlAllowMethods] == "PUT")
            #expect(headers[.accessControlAllowHeaders] == "x-anything" && headers[.accessControlMaxAge] == "60")
            let simple = try await client.execute(uri: "/v2/health/ready", method: .get, headers: [.origin: "http://localhost:3000"]) { $0 }
            #expect(simple.headers[.accessControlAllowOrigin] == "*" && simple.headers[.vary] == nil)
        }
    }

    @Test func offByDefault() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            let (status, headers, _) = try await Self.preflight(client)
            #expect(status == 405 && headers[.accessControlAllowOrigin] == nil)
            let simple = try await client.execute(uri: "/healthz", method: .get, headers: [.origin: Self.origin]) { $0 }
            #expect(simple.status == .ok && simple.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
