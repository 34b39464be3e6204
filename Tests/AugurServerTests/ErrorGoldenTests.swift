import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The full error bodies of representative bad requests to the loan example, against
/// `Golden/errors.json` (`AUGUR_UPDATE_GOLDEN=1` rewrites it). `type` and `loc` are API.
@Suite struct ErrorGoldenTests {
    static let requests: [(name: String, method: HTTPRequest.Method, uri: String, contentType: String, body: String?)] = [
        ("malformed", .post, "/loan_status", "application/json", #"{"ApplicantIncome": 5849,"#),
        ("nan_literal", .post, "/loan_status", "application/json", #"{"ApplicantIncome": NaN}"#),
        ("duplicate_key", .post, "/loan_status", "application/json", #"{"LoanAmount": 1, "LoanAmount": 2}"#),
        ("not_an_object", .post, "/loan_status", "application/json", "42"),
        ("every_problem", .post, "/loan_status", "application/json",
         #"{"ApplicantIncome": -5, "LoanAmount": "lots", "Credit_History": 2, "Property_Area": "Downtown", "Loan_Amount_Term": 360.5, "Color": "red"}"#),
        ("rule_failed", .post, "/loan_status", "application/json",
         #"{"ApplicantIncome": 1000, "LoanAmount": 500, "Credit_History": 1, "Property_Area": "Urban"}"#),
        ("batch_rows", .post, "/loan_status", "application/json",
         #"[{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}, {"ApplicantIncome": null}]"#),
        ("query_types", .get, "/loan_status?ApplicantIncome=abc&LoanAmount=128&Credit_History=1&Property_Area=Urban&x=1", "application/json", nil),
        ("not_found", .get, "/loan", "application/json", nil),
        ("method_not_allowed", .delete, "/loan_status", "application/json", nil),
        ("unsupported_media_type", .post, "/loan_status", "text/csv", "a,b\n1,2"),
    ]

    @Test func errorBodiesMatchGoldenFile() async throws {
        let requests = Self.requests.map { ($0.name, $0.method, $0.uri, HTTPFields([HTTPField(name: .contentType, value: $0.contentType)]), $0.body) }
        try await Self.check(Support.app(try await Support.service("loan")), requests, against: "errors.json")
    }

    /// Each request's status and error body, against the golden file `name` (`AUGUR_UPDATE_GOLDEN=1`
    /// rewrites it); every answer must be an error.
    static func check(_ app: some ApplicationProtocol,
                      _ requests: [(name: String, method: HTTPRequest.Method, uri: String, headers: HTTPFields, body: String?)],
                      against name: String) async throws {
        let bodies: [(String, JSONValue)] = try await app.test(.router) { client in
            var bodies: [(String, JSONValue)] = []
            for r in requests {
                let json = try await client.execute(uri: r.uri, method: r.method, headers: r.headers, body: r.body.map(Support.body)) { response in
                    #expect(response.status.code >= 400, "\(r.name)")
                    return JSONValue.object(JSONObject([("status", .integer(Int(response.status.code))), ("body", try Support.json(response.body))]))
                }
                bodies.append((r.name, json))
            }
            return bodies
        }
        let pretty = try OpenAPITests.pretty(JSONValue.object(JSONObject(bodies)).serialized())
        let file = OpenAPITests.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["AUGUR_UPDATE_GOLDEN"] != nil { try pretty.write(to: file) }
        #expect(pretty == (try Data(contentsOf: file)), "\(name) differs; rerun with AUGUR_UPDATE_GOLDEN=1 and review the diff")
    }
}
