@testable import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/{route}/explain` in process: contributions that add up to the prediction, in the route's
/// own parameters (computed features under their expression), the ways to ask, and the refusal
/// when the model has no reference data. scripts/explain/check.py compares the numbers with
/// the `shap` package on every tree fixture family.
@Suite struct ExplainTests {
    func call(_ service: Service, _ uri: String, method: HTTPRequest.Method = .post, body: String? = nil) async throws -> (Int, JSONValue) {
        try await Support.app(service).test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: [.contentType: "application/json"],
                                     body: body.map { Support.body($0) }) { response in
                (Int(response.status.code), try Support.json(response.body))
            }
        }
    }

    static let applicant = #"{"ApplicantIncome": 5849, "CoapplicantIncome": 1508, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#

    static func number(_ value: JSONValue?) -> Double? {
        if case .number(let n)? = value { return n.double }
        return nil
    }

    /// base + Σ contributions = output_value, and output_value is the answered probability.
    static func checkAdditive(_ answer: JSONObject, expected: Double) -> [String] {
        guard case .object(let explanation)? = answer["explanation"], let base = number(explanation["base_value"]),
              let output = number(explanation["output_value"]), case .array(let entries)? = explanation["contributions"] else {
            return ["no explanation in \(answer)"]
        }
        var problems: [String] = []
        let sum = entries.reduce(base) { total, entry in
            guard case .object(let e) = entry, let c = number(e["contribution"]) else { return .nan }
            return total + c
        }
        if abs(sum - output) > 1e-9 * max(1, abs(output)) { problems.append("base + Σ = \(sum), output_value \(output)") }
        if abs(output - expected) > 1e-6 * max(1, abs(expected)) { problems.append("output_value \(output), predicted \(expected)") }
        return problems
    }

    @Test func loanContributionsAddUpToTheProbability() async throws {
        let service = try await Support.service("loan")
        let (status, answer) = try await call(service, "/loan_status/explain", body: Self.applicant)
        guard status == 200, case .object(let object) = answer, case .object(let explanation)? = object["explanation"],
              case .array(let entries)? = explanation["contributions"] else {
            Issue.record("\(status) \(answer)")
            return
        }
        let probability = try #require(Self.number(object["probability"]))
        #expect(Self.checkAdditive(object, expected: probability).isEmpty, "\(Self.checkAdditive(object, expected: probability))")
        #expect(explanation["method"] == "tree_path_dependent" && explanation["output_space"] == "probability"
                && explanation["transform"] == "none")
        // The route's parameters, a computed feature under its expression with its value.
        let names = entries.compactMap { entry -> String? in
            if case .object(let e) = entry, case .string(let name)? = e["parameter"] { return name }
            return nil
        }
        #expect(Set(names) == ["ApplicantIncome + CoapplicantIncome", "LoanAmount", "Credit_History", "Property_Area"])
        for entry in entries {
            guard case .object(let e) = entry else { continue }
            switch e["parameter"] {
            case "ApplicantIncome + CoapplicantIncome": #expect(Self.number(e["value"]) == 7357)
            case "Property_Area": #expect(e["value"] == "Urban")
            default: break
            }
        }
        // Largest first.
        let sizes = entries.compactMap { entry -> Double? in
            if case .object(let e) = entry { return Self.number(e["contribution"]).map(abs) }
            return nil
        }
        #expect(sizes == sizes.sorted(by: >))
    }

    @Test func askedThreeWaysWithTheSameAnswer() async throws {
        let service = try await Support.service("loan")
        let (_, posted) = try await call(service, "/loan_status/explain", body: Self.applicant)
        let (_, flagged) = try await call(service, "/loan_status?explain=true", body: Self.applicant)
        let query = "ApplicantIncome=5849&CoapplicantIncome=1508&LoanAmount=128&Credit_History=1&Property_Area=Urban"
        let (getStatus, got) = try await call(service, "/loan_status/explain?\(query)", method: .get)
        let (flagStatus, gotFlag) = try await call(service, "/loan_status?\(query)&explain=1", method: .get)
        #expect(getStatus == 200 && flagStatus == 200)
        #expect(posted == flagged && posted == got && got == gotFlag)
        // Without asking, no explanation.
        let (_, plain) = try await call(service, "/loan_status", body: Self.applicant)
        if case .object(let object) = plain { #expect(object["explanation"] == nil) }
    }

    @Test func batchesExplainEveryRow() async throws {
        let service = try await Support.service("energy")
        let rows = #"""
        [{"primary_use": "Office", "year_built": 1985, "number_of_floors": 8, "gross_floor_area": 120000, "parking_floor_area": 20000, "energy_star_score": 72},
         {"primary_use": "Hotel", "year_built": 1928, "number_of_floors": 12, "gross_floor_area": 240000, "energy_star_score": null, "uses_steam": true}]
        """#
        let (status, answer) = try await call(service, "/energy_use/explain", body: rows)
        guard status == 200, case .object(let object) = answer, case .array(let predictions)? = object["predictions"] else {
            Issue.record("\(status) \(answer)")
            return
        }
        #expect(predictions.count == 2)
        for case .object(let row) in predictions {
            let predicted = try #require(Self.number(row["prediction"]))
            // The prediction is float32; the explanation sums in double.
            #expect(Self.checkAdditive(row, expected: predicted).allSatisfy { $0.hasPrefix("output_value") })
            guard case .object(let e)? = row["explanation"], let output = Self.number(e["output_value"]) else { continue }
            #expect(abs(output - predicted) <= 1e-5 * abs(predicted))
            // Two features computed from the floor areas are reported together, by parameter.
            if case .array(let entries)? = e["contributions"] {
                #expect(entries.contains { entry in
                    if case .object(let c) = entry { return c["parameter"] == "gross_floor_area, parking_floor_area" }
                    return false
                })
            }
        }
    }

    @Test func aModelWithoutReferenceDataSaysWhy() async throws {
        let service = try await Support.service("house")
        let route = try #require(service.routes.first)
        let body = route.exampleRequest()
        var out = JSONOutput(capacity: 256)
        JSONWriter.write(body, into: &out)
        let (status, answer) = try await call(service, "/\(route.name)/explain", body: String(decoding: out.bytes, as: UTF8.self))
        #expect(status == 501)
        guard case .object(let object) = answer, case .array(let detail)? = object["detail"], case .object(let issue)? = detail.first else {
            Issue.record("\(answer)")
            return
        }
        #expect(issue["type"] == "explanation_unavailable")
        if case .string(let message)? = issue["msg"] { #expect(message.contains("reference")) }
        // Invalid input is a 422 like on the route: the request is decoded first.
        let (invalid, _) = try await call(service, "/\(route.name)/explain", body: "{}")
        #expect(invalid == 422)
    }
}
