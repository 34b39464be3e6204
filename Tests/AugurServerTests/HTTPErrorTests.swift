import AugurServer
import AugurService
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The transport errors: every one a JSON body of the one shape with the right status.
@Suite struct HTTPErrorTests {
    func check(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [.contentType: "application/json"],
               body: String? = nil, status: Int, type: String) async throws {
        let app = Support.app(try await Support.service("loan"))
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers, body: body.map(Support.body)) { response in
                #expect(response.status.code == status)
                #expect(response.headers[.contentType] == "application/json")
                let json = try Support.json(response.body)
                guard case .array(let detail)? = json["detail"], let first = detail.first else {
                    Issue.record("no detail list in \(json)"); return
                }
                #expect(first["type"] == .string(type), "\(json)")
                #expect(first["loc"] != nil && first["msg"] != nil)
            }
        }
    }

    @Test func unknownPathIs404() async throws {
        try await check(.get, "/nowhere", status: 404, type: "not_found")
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let app = Support.app(try await Support.service("loan"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/loan_status", method: .put) { response in
                #expect(response.status.code == 405)
                #expect(response.headers[.allow] == "GET, POST")
            }
        }
        try await check(.delete, "/openapi.json", status: 405, type: "method_not_allowed")
    }

    @Test func malformedJSONIs400() async throws {
        try await check(.post, "/loan_status", body: "{\"ApplicantIncome\": ", status: 400, type: "json_invalid")
        try await check(.post, "/loan_status", body: "{\"a\": NaN}", status: 400, type: "json_invalid")
        try await check(.post, "/loan_status", body: "{\"a\": 1, \"a\": 2}", status: 400, type: "json_invalid")
        try await check(.post, "/loan_status", body: String(repeating: "[", count: 5000), status: 400, type: "json_invalid")
        try await check(.post, "/loan_status", body: "", status: 400, type: "json_invalid")
    }

    @Test func wrongContentTypeIs415() async throws {
        try await check(.post, "/loan_status", headers: [.contentType: "text/plain"], body: "{}", status: 415, type: "unsupported_media_type")
        try await check(.post, "/loan_status", headers: [.contentType: "application/x-www-form-urlencoded"], body: "a=1",
                        status: 415, type: "unsupported_media_type")
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let big = "[" + String(repeating: "1,", count: 600_000) + "1]"
        try await check(.post, "/loan_status", body: big, status: 413, type: "payload_too_large")
    }

    @Test func invalidUTF8Is400() async throws {
        let app = Support.app(try await Support.service("loan"))
        try await app.test(.router) { client in
            let bytes: [UInt8] = Array("{\"Property_Area\": \"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)
            try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(bytes: bytes)) { response in
                #expect(response.status.code == 400)
            }
        }
    }

    @Test func requestIdIsEchoed() async throws {
        let app = Support.app(try await Support.service("loan"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "abc-123"]) { response in
                #expect(response.headers[HTTPField.Name("X-Request-ID")!] == "abc-123")
                #expect(response.status == .ok)
            }
        }
    }

    /// The batch envelope is `{"instances": [...]}` and nothing else (the OpenAPI document says
    /// `additionalProperties: false`); its extra keys are listed with the rows' own problems.
    @Test func batchEnvelopeRefusesUnknownKeys() async throws {
        let app = Support.app(try await Support.service("loan"))
        let row = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#
        try await app.test(.router) { client in
            for (body, expected) in [
                (#"{"instances": [\#(row)], "x": 1, "id": "a"}"#, [#"["body","x"]"#, #"["body","id"]"#]),
                (#"{"instances": [\#(row), {"LoanAmount": -1}], "x": 1}"#, [#"["body","x"]"#, #"["body",1,"ApplicantIncome"]"#]),
            ] {
                try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                         body: Support.body(body)) { response in
                    #expect(response.status.code == 422)
                    let json = try Support.json(response.body)
                    guard case .array(let detail)? = json["detail"] else { Issue.record("\(json)"); return }
                    let locs = detail.compactMap { $0["loc"]?.serializedString }
                    for loc in expected { #expect(locs.contains(loc), "\(locs)") }
                    #expect(detail.first?["type"] == "extra_forbidden")
                }
            }
            try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                     body: Support.body(#"{"instances": [\#(row)]}"#)) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
