import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// `server.auth` in-process: 401 (with `WWW-Authenticate: Bearer`) without a key, 403 with a
/// wrong one, in each protocol's error shape; health probes and docs open; the admin token;
/// keys never logged; the OpenAPI security schemes (the whole document: OpenAPITests' `loan.auth`).
@Suite struct AuthTests {
    static let key = "client-key-0123456789"
    static let adminToken = "admin-token-0123456789"
    static let row = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#

    static func app(keys: [String]? = [key], adminToken: String? = nil, cors: CORSConfiguration? = nil,
                    logger: Logger? = nil) async throws -> some ApplicationProtocol {
        var configuration = try await Support.service("loan").configuration
        configuration.apiKeys = keys.map { APIKeys($0) }
        configuration.cors = cors
        let service = try await Service.load(configuration: configuration)
        var log = logger ?? Logger(label: "augur-test")
        if logger == nil { log.logLevel = .warning }
        let server = AugurServer(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0, adminToken: adminToken))
        return Application(router: server.makeRouter(logger: log), logger: log)
    }

    struct Answer {
        let status: Int
        let headers: HTTPFields
        let json: JSONValue
    }

    static func call(_ client: some TestClientProtocol, _ uri: String, _ method: HTTPRequest.Method = .get,
                     headers: HTTPFields = [:], body: String? = nil) async throws -> Answer {
        var fields = headers
        if body != nil { fields[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }) {
            Answer(status: Int($0.status.code), headers: $0.headers, json: (try? Support.json($0.body)) ?? .null)
        }
    }

    static let bearer: HTTPFields = [.authorization: "Bearer \(key)"]

    @Test func ownRoutesNeedAKey() async throws {
        try await Self.app().test(.router) { client in
            let missing = try await Self.call(client, "/loan_status", .post, body: Self.row)
            #expect(missing.status == 401 && missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(missing.json["detail"]?[0]?["type"] == "unauthorized" && missing.json["detail"]?[0]?["loc"] == ["header", "authorization"])
            let wrong = try await Self.call(client, "/loan_status", .post, headers: [.authorization: "Bearer not-the-key-0123456789"], body: Self.row)
            #expect(wrong.status == 403 && wrong.headers[.wwwAuthenticate] == nil)
            #expect(wrong.json["detail"]?[0]?["type"] == "forbidden")
            let wrongHeader = try await Self.call(client, "/loan_status?ApplicantIncome=1", headers: [HTTPField.Name("X-API-Key")!: "nope-0123456789abcdef"])
            #expect(wrongHeader.status == 403 && wrongHeader.json["detail"]?[0]?["loc"] == ["header", "x-api-key"])
            let basic = try await Self.call(client, "/loan_status", .post, headers: [.authorization: "Basic \(Self.key)"], body: Self.row)
            #expect(basic.status == 401, "only the Bearer scheme carries a key")
            for headers: HTTPFields in [Self.bearer, [.authorization: "bearer  \(Self.key)"], [HTTPField.Name("X-API-Key")!: Self.key]] {
                let answer = try await Self.call(client, "/loan_status", .post, headers: headers, body: Self.row)
                #expect(answer.status == 200 && answer.json["prediction"] == "Approved", "\(headers)")
            }
            let get = try await Self.call(client, "/loan_status?ApplicantIncome=5849&LoanAmount=128&Credit_History=1&Property_Area=Urban", headers: Self.bearer)
            #expect(get.status == 200)
            #expect(try await Self.call(client, "/no_such_route").status == 401, "unknown paths are not revealed")
            #expect(try await Self.call(client, "/no_such_route", headers: Self.bearer).status == 404)
        }
    }

    @Test(arguments: ["/healthz", "/livez", "/readyz", "/v2/health/live", "/v2/health/ready", "/ping", "/health", "/openapi.json", "/docs"])
    func probesAndDocsStayOpen(_ path: String) async throws {
        try await Self.app().test(.router) { client in
            let status = try await Self.call(client, path).status
            #expect(status == 200)
        }
    }

    @Test func protocolsRefuseInTheirOwnShape() async throws {
        try await Self.app().test(.router) { client in
            for path in ["/v2", "/v2/models/loan_status", "/v2/models/loan_status/ready", "/v1/models", "/v1/models/loan_status"] {
                let missing = try await Self.call(client, path)
                #expect(missing.status == 401 && missing.headers[.wwwAuthenticate] == "Bearer", "\(path)")
                guard case .string(let message)? = missing.json["error"] else { Issue.record("\(path): \(missing.json)"); continue }
                #expect(message.hasPrefix("Authentication required"))
                let wrong = try await Self.call(client, path, headers: [.authorization: "Bearer wrong-key-0123456789"])
                #expect(wrong.status == 403 && wrong.json["error"] == "The API key is not valid.", "\(path)")
                #expect(try await Self.call(client, path, headers: Self.bearer).status == 200, "\(path)")
            }
            let infer = try await Self.call(client, "/v2/models/loan_status/infer", .post, body: ProtocolTests.v2JSON())
            #expect(infer.status == 401 && infer.json["error"] != nil)
            #expect(try await Self.call(client, "/v2/models/loan_status/infer", .post, headers: Self.bearer, body: ProtocolTests.v2JSON()).status == 200)
            let predict = try await Self.call(client, "/v1/models/loan_status:predict", .post, body: "{\"instances\": [\(Self.row)]}")
            #expect(predict.status == 401 && predict.json["error"] != nil)

            let mlflow = try await Self.call(client, "/invocations", .post, body: "{\"dataframe_records\": [\(Self.row)]}")
            #expect(mlflow.status == 401 && mlflow.json["error_code"] == "UNAUTHENTICATED" && mlflow.headers[.wwwAuthenticate] == "Bearer")
            let denied = try await Self.call(client, "/invocations", .post, headers: [HTTPField.Name("X-API-Key")!: "wrong-key-0123456789"],
                                             body: "{\"dataframe_records\": [\(Self.row)]}")
            #expect(denied.status == 403 && denied.json["error_code"] == "PERMISSION_DENIED")
            let scored = try await Self.call(client, "/invocations", .post, headers: Self.bearer, body: "{\"dataframe_records\": [\(Self.row)]}")
            #expect(scored.status == 200 && scored.json["predictions"] != nil)
            #expect(try await Self.call(client, "/version").json["error_code"] == "UNAUTHENTICATED")
        }
    }

    @Test func adminTakesTheAdminTokenOnly() async throws {
        for keys in [[Self.key], nil] {
            try await Self.app(keys: keys, adminToken: Self.adminToken).test(.router) { client in
                let missing = try await Self.call(client, "/admin/reload", .post)
                #expect(missing.status == 401 && missing.headers[.wwwAuthenticate] == "Bearer" && missing.json["detail"]?[0]?["type"] == "unauthorized")
                let clientKey = try await Self.call(client, "/admin/reload", .post, headers: Self.bearer)
                #expect(clientKey.status == 403 && clientKey.json["detail"]?[0]?["msg"] == "The admin token is not valid.")
                let admin = try await Self.call(client, "/admin/reload", .post, headers: [.authorization: "Bearer \(Self.adminToken)"])
                #expect(admin.status == 200 && admin.json["models"] != nil)
                let predictions = try await Self.call(client, "/loan_status", .post, body: Self.row).status
                #expect(predictions == (keys == nil ? 200 : 401), "the admin token guards /admin/reload alone")
            }
        }
    }

    @Test func keysAreNeverLogged() async throws {
        let lines = LogLines()
        var logger = Logger(label: "augur-test") { _ in LogCapture(lines: lines) }
        logger.logLevel = .trace
        try await Self.app(logger: logger).test(.router) { client in
            _ = try await Self.call(client, "/loan_status", .post, headers: Self.bearer, body: Self.row)
            _ = try await Self.call(client, "/loan_status", .post, headers: [HTTPField.Name("X-API-Key")!: "wrong-key-0123456789"], body: Self.row)
            _ = try await Self.call(client, "/v2/models/loan_status", headers: [.authorization: "Bearer wrong-key-0123456789"])
        }
        let text = lines.text
        #expect(text.contains("POST /loan_status 200") && text.contains("POST /loan_status 403") && text.contains("GET /v2/models/loan_status 403"), "\(text)")
        #expect(!text.contains(Self.key) && !text.contains("wrong-key"), "\(text)")
    }

    @Test func openAPIDescribesTheSecuritySchemes() async throws {
        let bytes = try await Self.app().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
        }
        let document = try JSONParser().parse(bytes)
        #expect(document["components"]?["securitySchemes"]?["bearerAuth"] == ["type": "http", "scheme": "bearer", "description": "An API key as 'Authorization: Bearer <key>'."])
        #expect(document["components"]?["securitySchemes"]?["apiKeyHeader"]?["name"] == "X-API-Key")
        let security: JSONValue = [["bearerAuth": []], ["apiKeyHeader": []]]
        #expect(document["paths"]?["/loan_status"]?["post"]?["security"] == security)
        #expect(document["paths"]?["/loan_status"]?["post"]?["responses"]?["401"]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/ErrorResponse"])
        #expect(document["paths"]?["/v2/models/{model}/infer"]?["post"]?["responses"]?["403"]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/ProtocolError"])
        #expect(document["paths"]?["/invocations"]?["post"]?["responses"]?["401"]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/MLflowError"])
        for open in ["/healthz", "/readyz", "/v2/health/live", "/ping"] {
            #expect(document["paths"]?[open]?["get"]?["security"] == nil, "\(open)")
        }

        // The whole document is golden-tested with the others (OpenAPITests, `loan.auth`).
    }

    /// Every refusal's status, `WWW-Authenticate` and body, against `Golden/auth-errors.json`
    /// (`AUGUR_UPDATE_GOLDEN=1` rewrites it): `type`, `loc` and the protocols' codes are API.
    @Test func refusalsMatchGoldenFile() async throws {
        let wrong: HTTPFields = [.authorization: "Bearer wrong-key-0123456789"]
        let preflight: HTTPFields = [.origin: "https://elsewhere.example", .accessControlRequestMethod: "DELETE"]
        let requests: [(name: String, method: HTTPRequest.Method, uri: String, headers: HTTPFields)] = [
            ("own_missing", .post, "/loan_status", [:]),
            ("own_wrong", .post, "/loan_status", wrong),
            ("own_wrong_x_api_key", .post, "/loan_status", [HTTPField.Name("X-API-Key")!: "wrong-key-0123456789"]),
            ("v2_missing", .post, "/v2/models/loan_status/infer", [:]),
            ("v2_wrong", .get, "/v2/models/loan_status", wrong),
            ("v1_missing", .get, "/v1/models", [:]),
            ("v1_wrong", .post, "/v1/models/loan_status:predict", wrong),
            ("mlflow_missing", .post, "/invocations", [:]),
            ("mlflow_wrong", .post, "/invocations", wrong),
            ("admin_missing", .post, "/admin/reload", [:]),
            ("admin_with_a_client_key", .post, "/admin/reload", Self.bearer),
            ("cors_rejected", .options, "/loan_status", preflight),
        ]
        let app = try await Self.app(adminToken: Self.adminToken, cors: CORSConfiguration(allowOrigins: ["https://app.example.com"]))
        let answers: [(String, JSONValue)] = try await app.test(.router) { client in
            var answers: [(String, JSONValue)] = []
            for r in requests {
                let answer = try await Self.call(client, r.uri, r.method, headers: r.headers)
                answers.append((r.name, .object(JSONObject([
                    ("status", .integer(answer.status)),
                    ("www_authenticate", answer.headers[.wwwAuthenticate].map { .string($0) } ?? .null),
                    ("body", answer.json),
                ]))))
            }
            return answers
        }
        let pretty = try OpenAPITests.pretty(JSONValue.object(JSONObject(answers)).serialized())
        let file = OpenAPITests.golden.appendingPathComponent("auth-errors.json")
        if ProcessInfo.processInfo.environment["AUGUR_UPDATE_GOLDEN"] != nil { try pretty.write(to: file) }
        #expect(pretty == (try Data(contentsOf: file)), "auth-errors.json differs; rerun with AUGUR_UPDATE_GOLDEN=1 and review the diff")
    }

    @Test func withoutAuthNothingChanges() async throws {
        try await Self.app(keys: nil).test(.router) { client in
            #expect(try await Self.call(client, "/loan_status", .post, body: Self.row).status == 200)
            #expect(try await Self.call(client, "/v2/models/loan_status").status == 200)
            let document = try await Self.call(client, "/openapi.json").json
            #expect(document["components"]?["securitySchemes"] == nil && document["paths"]?["/loan_status"]?["post"]?["security"] == nil)
        }
    }
}

/// Every log line and its metadata, as text.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// A log handler writing into `LogLines`, with the handler and event metadata.
struct LogCapture: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.level) \(event.message) \(all) \(event.error.map { "\($0)" } ?? "")")
    }
}
