import AugurServer
import AugurService
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The two curl commands of README.md's "Start here" give the answers the README shows.
@Suite struct ReadmeExampleTests {
    func post(_ body: String) async throws -> (Int, JSONValue) {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                     body: Support.body(body)) { response in
                (Int(response.status.code), try Support.json(response.body))
            }
        }
    }

    @Test func approvedApplicant() async throws {
        let (status, json) = try await post(#"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#)
        #expect(status == 200)
        let expected: JSONValue = ["prediction": "Approved", "class": 1, "probability": 0.87620497,
                                   "probabilities": ["Not approved": 0.12379503, "Approved": 0.87620497], "model": ["name": "loan"]]
        #expect(Support.mismatches(json, expected).isEmpty, "\(json)")
    }

    @Test func everyProblemAtOnce() async throws {
        let (status, json) = try await post(#"{"ApplicantIncome": -5, "LoanAmount": "lots", "Property_Area": "Downtown"}"#)
        #expect(status == 422)
        guard case .array(let detail)? = json["detail"] else { Issue.record("\(json)"); return }
        #expect(detail.map { $0["type"] } == ["greater_than_equal", "float_type", "missing", "enum"].map { JSONValue.string($0) })
        #expect(detail.map { $0["loc"] } == [["body", "ApplicantIncome"], ["body", "LoanAmount"], ["body", "Credit_History"], ["body", "Property_Area"]])
    }
}
