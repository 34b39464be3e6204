import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A second wire format in one small type, as a new protocol's encoder would be: one CSV
/// line per row (label or values), written from the same typed predictions as the own JSON.
struct CSVTestEncoder: PredictionEncoder {
    var mediaType: String { "text/csv" }

    func encode(_ predictions: Predictions, into out: inout JSONOutput) {
        out.append("prediction,model_version\n")
        for row in 0..<predictions.count {
            switch predictions.outcome {
            case .classification(let c): append(c.labels[row], into: &out)
            case .regression(let r): append(r.values(row: row).map(\.description).joined(separator: " "), into: &out)
            }
            out.append(UInt8(ascii: ","))
            append(predictions.model.version, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    private func append(_ text: String, into out: inout JSONOutput) {
        var text = text
        text.withUTF8 { out.append($0) }
    }
}

@Suite struct EncoderTests {
    func app(_ encoders: [any PredictionEncoder]) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "augur-test")
        logger.logLevel = .warning
        let server = AugurServer(service: try await Support.service("loan"),
                                 settings: ServerSettings(host: "127.0.0.1", port: 0, encoders: encoders))
        return Application(router: server.makeRouter(logger: logger), logger: logger)
    }

    static let batch = #"[{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}, {"ApplicantIncome": 2583, "CoapplicantIncome": 2358, "LoanAmount": 120, "Credit_History": 0, "Property_Area": "Semiurban"}]"#

    @Test func acceptChoosesTheEncoder() async throws {
        try await app([OwnJSONEncoder(), CSVTestEncoder()]).test(.router) { client in
            func post(_ accept: String?) async throws -> (Int, String?, String) {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let accept { headers[.accept] = accept }
                return try await client.execute(uri: "/loan_status", method: .post, headers: headers, body: ByteBuffer(string: Self.batch)) {
                    (Int($0.status.code), $0.headers[.contentType], String(buffer: $0.body))
                }
            }
            let version = try await Support.service("loan").routes[0].modelVersion
            let csv = try await post("text/csv")
            #expect(csv.0 == 200 && csv.1 == "text/csv")
            #expect(csv.2 == "prediction,model_version\nApproved,\(version)\nNot approved,\(version)\n")
            #expect(try await post(nil).1 == "application/json")
            #expect(try await post("*/*").1 == "application/json")
            #expect(try await post("text/*").1 == "text/csv")
            #expect(try await post("application/json;q=0.5, text/csv;q=0.9").1 == "text/csv")
            #expect(try await post("text/csv;q=0, */*").1 == "application/json")
            let refused = try await post("application/xml")
            #expect(refused.0 == 406)
            #expect(refused.2.contains(#""type":"not_acceptable""#) && refused.2.contains("'text/csv'"))
            // The GET route chooses the same way.
            let get = try await client.execute(uri: "/loan_status?ApplicantIncome=5849&LoanAmount=128&Credit_History=1&Property_Area=Urban",
                                               method: .get, headers: [.accept: "text/csv"]) { String(buffer: $0.body) }
            #expect(get == "prediction,model_version\nApproved,\(version)\n")
        }
    }

    @Test func withOneEncoderAcceptIsNotConsulted() async throws {
        try await app([OwnJSONEncoder()]).test(.router) { client in
            try await client.execute(uri: "/loan_status", method: .post,
                                     headers: [.contentType: "application/json", .accept: "application/xml"],
                                     body: ByteBuffer(string: Self.batch)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
            }
        }
    }
}
