@testable import AugurServer
import AugurEngine
@testable import AugurService
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

    /// The form's importance panel: the parameters ranked by mean |contribution| over the
    /// reference rows, in the fields' words; none without reference data.
    @Test func theFormRanksWhatMattersMost() async throws {
        let energy = try await Support.service("energy")
        guard case .available(let explainer)? = energy.route(named: "energy_use")?.pipeline.explanation else {
            Issue.record("energy_use cannot explain")
            return
        }
        let ranking = explainer.importance
        #expect(ranking.count == 7 && ranking.map(\.meanAbsolute) == ranking.map(\.meanAbsolute).sorted(by: >))
        #expect(ranking.first?.parameters == ["gross_floor_area", "parking_floor_area"])
        let html = try await Support.app(energy).test(.router) { client in
            try await client.execute(uri: "/ui/energy_use?lang=fr", method: .get) { String(buffer: $0.body) }
        }
        #expect(html.contains(#"<section class="importance""#) && html.contains("Ce qui compte le plus pour ce modèle"))
        #expect(html.contains(#"<li class="bar"><span class="name">Gross floor area, Parking floor area</span>"#))
        let house = try await Support.service("house")
        let plain = try await Support.app(house).test(.router) { client in
            try await client.execute(uri: "/ui/\(house.routes[0].name)", method: .get) { String(buffer: $0.body) }
        }
        #expect(!plain.contains("class=\"importance\""))
    }

    /// KServe v1 `:explain` and the V2 `explanation` output give the explanation `/explain` gives.
    @Test func theProtocolsExplainToo() async throws {
        let service = try await Support.service("loan")
        let (_, own) = try await call(service, "/loan_status/explain", body: Self.applicant)
        guard case .object(let ownObject) = own, let expected = ownObject["explanation"] else {
            Issue.record("\(own)")
            return
        }
        let (v1Status, v1) = try await call(service, "/v1/models/loan_status:explain", body: #"{"instances": [\#(Self.applicant)]}"#)
        if case .object(let o) = v1, case .array(let rows)? = o["predictions"], case .object(let row)? = rows.first {
            #expect(v1Status == 200 && row["explanation"] == expected)
        } else {
            Issue.record("v1: \(v1Status) \(v1)")
        }
        let inputs = #"""
            {"inputs": [{"name": "ApplicantIncome", "datatype": "FP64", "shape": [1], "data": [5849]},
                        {"name": "CoapplicantIncome", "datatype": "FP64", "shape": [1], "data": [1508]},
                        {"name": "LoanAmount", "datatype": "FP64", "shape": [1], "data": [128]},
                        {"name": "Credit_History", "datatype": "INT64", "shape": [1], "data": [1]},
                        {"name": "Property_Area", "datatype": "BYTES", "shape": [1], "data": ["Urban"]}],
             "outputs": [{"name": "label"}, {"name": "explanation"}]}
            """#
        let (v2Status, v2) = try await call(service, "/v2/models/loan_status/infer", body: inputs)
        guard case .object(let o) = v2, case .array(let outputs)? = o["outputs"], outputs.count == 2,
              case .object(let tensor) = outputs[1], case .array(let data)? = tensor["data"], case .string(let text)? = data.first else {
            Issue.record("v2: \(v2Status) \(v2)")
            return
        }
        #expect(v2Status == 200 && tensor["name"] == "explanation" && tensor["datatype"] == "BYTES")
        #expect(try JSONParser().parse(Data(text.utf8)) == expected)
        // The metadata lists the output; a model without reference data has none and says so.
        let (_, metadata) = try await call(service, "/v2/models/loan_status", method: .get)
        #expect("\(metadata)".contains("explanation"))
        let house = try await Support.service("house")
        let (v1House, v1Error) = try await call(house, "/v1/models/\(house.routes[0].name):explain", body: #"{"instances": []}"#)
        #expect(v1House == 404 && "\(v1Error)".contains("reference"))
    }

    /// A ColumnTransformer pipeline ending in a logistic regression: `w · (x − mean)` per
    /// one-hot and scaled column, credited to the input each came from; the margin's logistic
    /// is the answered probability.
    @Test func aLinearPipelineIsExplainedInItsInputs() async throws {
        let service = try await Support.service("pipeline")
        let body = #"{"tenure_months": 3, "monthly_charges": 95.5, "support_calls": 4, "contract": "Month-to-month", "internet_service": "Fiber optic", "payment_method": "Electronic check"}"#
        let (status, answer) = try await call(service, "/churn/explain", body: body)
        guard status == 200, case .object(let object) = answer, case .object(let e)? = object["explanation"],
              case .array(let entries)? = e["contributions"], let output = Self.number(e["output_value"]) else {
            Issue.record("\(status) \(answer)")
            return
        }
        #expect(e["method"] == "linear" && e["output_space"] == "margin" && e["transform"] == "logistic")
        let probability = try #require(Self.number(object["probability"]))
        #expect(abs(1 / (1 + exp(-output)) - probability) < 1e-6)
        #expect(Self.checkAdditive(object, expected: output).isEmpty)
        let names = Set(entries.compactMap { entry -> String? in
            if case .object(let c) = entry, case .string(let n)? = c["parameter"] { return n }
            return nil
        })
        #expect(names == ["tenure_months", "monthly_charges", "support_calls", "contract", "internet_service", "payment_method"])
    }

    /// A reference file of more rows than are kept: covers count every row (the base value is
    /// the mean raw score over all of them), the sample kept is spread over the whole file.
    @Test func coversCountEveryRowOfABigSortedFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Support.examples.appendingPathComponent("loan/model.onnx"), to: folder.appendingPathComponent("model.onnx"))
        // 25,000 rows sorted by income: a prefix would see only the poorest applicants.
        var csv = "TotalIncome,LoanAmount,Credit_History,Property_Area\n"
        var rows: [[Float]] = []
        for i in 0..<25_000 {
            let row: [Float] = [Float(1000 + i), Float(60 + i % 200), Float(i % 7 == 0 ? 0 : 1), Float(i % 3)]
            rows.append(row)
            csv += row.map { String(Int($0)) }.joined(separator: ",") + "\n"
        }
        try csv.write(to: folder.appendingPathComponent("ref.csv"), atomically: true, encoding: .utf8)
        let yaml = try String(contentsOf: Support.examples.appendingPathComponent("loan/augur.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "reference: train.csv", with: "reference: ref.csv")
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: folder.path))
        guard case .available(let explainer)? = service.route(named: "loan_status")?.pipeline.explanation else {
            Issue.record("no explainer")
            return
        }
        // The importance sample: as many rows as the load-time budget affords, spread over the file.
        let afforded = Swift.min(ModelExplainer.lineageRows, RouteExplainer.importanceBudget / explainer.model.workPerRow)
        #expect(explainer.referenceRows == 25_000 && explainer.importanceRows == afforded && afforded >= 100)
        // The base value is the mean of the explained score over all 25,000 rows.
        let model = try #require(service.routes.first).pipeline
        let scores = try model.plan.run([.tensor(try Tensor(float32: rows.flatMap { $0 }, shape: [rows.count, 4]))])
        guard case .maps(let maps) = scores[1] else {
            Issue.record("no probabilities")
            return
        }
        let classes = maps.keys.count
        var total = 0.0
        for r in 0..<rows.count { total += Double(maps.scores[r * classes + 1]) }
        let mean = total / Double(rows.count)
        let (_, answer) = try await call(service, "/loan_status/explain", body: Self.applicant)
        guard case .object(let object) = answer, case .object(let e)? = object["explanation"], let base = Self.number(e["base_value"]) else {
            Issue.record("\(answer)")
            return
        }
        #expect(abs(base - mean) < 1e-5, "base \(base), mean score \(mean)")
    }

    /// `augur models import --reference` keeps the CSV with the version; a route serving the
    /// version from the store explains with it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func aStoreVersionCarriesItsReference() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-store-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("models").path
        let (status, out, err) = try Support.runAugur(["models", "import", Support.examples.appendingPathComponent("loan/model.onnx").path,
                                                       "--name", "loan", "--reference", Support.examples.appendingPathComponent("loan/train.csv").path,
                                                       "--store", store])
        #expect(status == 0 && out.contains("reference: 614 rows") && out.contains("(kept for explanations)"), "\(out)\(err)")
        #expect(FileManager.default.fileExists(atPath: "\(store)/loan/versions/1/reference.csv"))
        // A CSV not in the model's columns keeps its statistics only, and says why.
        let (other, otherOut, _) = try Support.runAugur(["models", "import", Support.examples.appendingPathComponent("loan/model.onnx").path,
                                                         "--name", "loan", "--reference", Support.examples.appendingPathComponent("loan/applications.csv").path,
                                                         "--store", store])
        #expect(other == 0 && otherOut.contains("note: only its statistics are kept"), "\(otherOut)")
        #expect(!FileManager.default.fileExists(atPath: "\(store)/loan/versions/2/reference.csv"))
        let yaml = try String(contentsOf: Support.examples.appendingPathComponent("loan/augur.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  loan: {path: model.onnx, reference: train.csv}\n", with: "  loan: loan:1\n")
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        var configuration = try ServiceConfiguration.load(contentsOf: folder.path)
        configuration.storeRoot = store
        let service = try await Service.load(configuration: configuration)
        let (code, answer) = try await call(service, "/loan_status/explain", body: Self.applicant)
        guard code == 200, case .object(let object) = answer, let probability = Self.number(object["probability"]) else {
            Issue.record("\(code) \(answer)")
            return
        }
        #expect(Self.checkAdditive(object, expected: probability).isEmpty)
    }

    @Test func aModelWithoutReferenceDataSaysWhy() async throws {
        let service = try await Support.service("house")
        let route = try #require(service.routes.first)
        let body = route.exampleRequest()
        var out = JSONOutput(capacity: 256)
        JSONWriter.write(body, into: &out)
        let (status, answer) = try await call(service, "/\(route.name)/explain", body: String(decoding: out.bytes, as: UTF8.self))
        #expect(status == 404)
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
