import AugurServer
import AugurService
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What schemathesis found at the protocols' edges: wrong methods are 405 with `Allow` in the
/// protocol's shape, empty or column-only bodies are refused, and MLflow's liveness answers are
/// plain text.
@Suite struct ProtocolEdgeTests {
    func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, body: String? = nil,
              type: String = "application/json") async throws -> (Int, HTTPFields, JSONValue?) {
        try await client.execute(uri: uri, method: method, headers: body == nil ? [:] : [.contentType: type],
                                 body: body.map { ByteBuffer(string: $0) }) {
            (Int($0.status.code), $0.headers, try? JSONParser().parse(Array($0.body.readableBytesView)))
        }
    }

    @Test func wrongMethodsAre405InEachProtocolsShape() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            for (method, uri, allow) in [(HTTPRequest.Method.put, "/v2", "GET"), (.delete, "/v2/health/live", "GET"),
                                         (.get, "/v2/models/loan_status/infer", "POST"), (.patch, "/v2/models/loan_status/versions/1/ready", "GET"),
                                         (.put, "/v1/models", "GET"), (.post, "/v1/models/loan_status", "GET"),
                                         (.options, "/v1/models/loan_status:predict", "POST")] {
                let (status, headers, body) = try await call(client, method, uri)
                #expect(status == 405 && headers[.allow] == allow, "\(method) \(uri): \(status) \(headers[.allow] ?? "-")")
                #expect(body?["error"]?.string != nil, "\(method) \(uri): \(String(describing: body))")
            }
            for uri in ["/ping", "/invocations", "/version"] {
                let (status, headers, body) = try await call(client, .put, uri)
                #expect(status == 405 && headers[.allow] != nil && body?["error_code"] == "BAD_REQUEST", "\(uri)")
            }
            let (status, _, body) = try await call(client, .get, "/v2/nothing/here")
            #expect(status == 404 && body?["error"]?.string != nil)
            let own = try await call(client, .put, "/loan_status")
            #expect(own.0 == 405 && own.2?["detail"] != nil)
        }
    }

    @Test func mlflowLivenessIsPlainText() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            for (uri, text) in [("/ping", "\n"), ("/health", "\n"), ("/version", AugurVersion.current)] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok && String(buffer: response.body) == text)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                }
            }
        }
    }

    @Test func emptyInputsAndColumnOnlyTablesAreRefused() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            let v2 = try await call(client, .post, "/v2/models/loan_status/infer", body: #"{"inputs": []}"#)
            #expect(v2.0 == 400 && v2.2?["error"]?.string?.contains("empty") == true)
            // Columns and no rows: the columns are still checked against the route.
            for body in [#"{"instances": {}}"#, #"{"dataframe_split": {"columns": ["x"], "data": []}}"#, #"{"inputs": {"x": []}}"#] {
                let (status, _, answer) = try await call(client, .post, "/invocations", body: body)
                #expect(status == 400 && answer?["error_code"] == "INVALID_PARAMETER_VALUE", "\(body): \(status)")
            }
            let csv = try await call(client, .post, "/invocations", body: "{}", type: "text/csv")
            #expect(csv.0 == 400, "\(String(describing: csv.2))")
            // A good header with no rows is an empty batch.
            let header = "ApplicantIncome,LoanAmount,Credit_History,Property_Area\n"
            let empty = try await call(client, .post, "/invocations", body: header, type: "text/csv")
            #expect(empty.0 == 200 && empty.2 == ["predictions": []])
            let records = try await call(client, .post, "/invocations", body: #"{"dataframe_records": []}"#)
            #expect(records.0 == 200)
        }
    }

    /// A NUL byte in a CSV body once left the scanner in place and appended empty records until
    /// the server ran out of memory (schemathesis, `text/csv` on /invocations); now it is a 400.
    @Test func csvWithANulByteIsRefused() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            for body in ["a\u{0}", "\u{0}", "ApplicantIncome,LoanAmount,Credit_History,Property_Area\n1,2,1,Ur\u{0}ban\n",
                         "\u{4178d};\u{f0}r\u{0}\u{9bfa5}?"] {
                let (status, _, answer) = try await call(client, .post, "/invocations", body: body, type: "text/csv")
                #expect(status == 400 && answer?["message"]?.string?.contains("NUL byte") == true, "\(status) \(String(describing: answer))")
            }
        }
    }

    /// `augur predict` and the CSV decoders report a bad header once, not once per row.
    @Test func badHeaderIsOneIssuePerColumn() async throws {
        let route = try #require(try await Support.service("loan").route(named: "loan_status"))
        let header = ["ApplicantIncome", "LoanAmount", "Credit_History", "Area"]
        let records = Array(repeating: ["5849", "128", "1", "Urban"], count: 3) + [["x", "128", "1", "Urban"]]
        do {
            _ = try route.pipeline.decode(header: header, records: records, at: ["body"])
            Issue.record("accepted")
        } catch {
            let locs = error.issues.map { $0.loc.map(\.description).joined(separator: ".") }
            #expect(locs == ["body.header.Area", "body.header.Property_Area", "body.3.ApplicantIncome"], "\(locs)")
        }
    }
}
