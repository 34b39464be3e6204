import AugurServer
import AugurService
import Hummingbird
import HummingbirdTesting
import Testing

/// Every request documented in examples/*/README.md (listed in requests.json) gives the
/// documented status and body, in-process.
@Suite struct ExampleRequestTests {
    struct Case: CustomStringConvertible, Sendable {
        let example: String
        let name: String
        let method: String
        let path: String
        let body: JSONValue?
        let status: Int
        let expect: JSONValue
        var description: String { "\(example)/\(name)" }
    }

    static func cases() throws -> [Case] {
        try Support.exampleNames.flatMap { example -> [Case] in
            let url = Support.examples.appendingPathComponent(example).appendingPathComponent("requests.json")
            guard case .array(let items) = try JSONParser().parse(Array(try Data(contentsOf: url))) else { return [] }
            return items.compactMap { item in
                guard let name = item["name"]?.string, let method = item["method"]?.string, let path = item["path"]?.string,
                      let status = item["status"]?.double else { return nil }
                let body = item["body"].flatMap { $0 == .null ? nil : $0 }
                return Case(example: example, name: name, method: method, path: path, body: body, status: Int(status), expect: item["expect"] ?? .null)
            }
        }
    }

    @Test(arguments: try cases())
    func documentedRequest(_ c: Case) async throws {
        let app = Support.app(try await Support.service(c.example))
        try await app.test(.router) { client in
            let method: HTTPRequest.Method = c.method == "GET" ? .get : .post
            let body = c.body.map { ByteBuffer(bytes: $0.serialized()) }
            try await client.execute(uri: c.path, method: method, headers: [.contentType: "application/json"], body: body) { response in
                let json = try Support.json(response.body)
                #expect(response.status.code == c.status, "\(json)")
                let problems = Support.mismatches(json, c.expect)
                #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\nbody: \(json)")
            }
        }
    }
}

import Foundation
