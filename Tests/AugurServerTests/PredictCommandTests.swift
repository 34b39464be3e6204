import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `augur predict --config`: the offline twin of a batch request, through the real binary.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
struct PredictCommandTests {
    static let applications = Support.examples.appendingPathComponent("loan/applications.csv").path

    func augur(_ arguments: String...) throws -> (Int32, String, String) { try Support.runAugur(arguments) }

    /// The same rows as applications.csv, as a JSON batch (the empty cell left out).
    static let rows = """
    [{"ApplicantIncome": 5849, "CoapplicantIncome": 0, "LoanAmount": 128, "Loan_Amount_Term": 360, "Credit_History": 1, "Property_Area": "Urban"},
     {"ApplicantIncome": 3000, "CoapplicantIncome": 1583, "LoanAmount": 128, "Loan_Amount_Term": 360, "Credit_History": 1, "Property_Area": "Rural"},
     {"ApplicantIncome": 3000, "LoanAmount": 66, "Loan_Amount_Term": 360, "Credit_History": 1, "Property_Area": "Urban"},
     {"ApplicantIncome": 2583, "CoapplicantIncome": 2358, "LoanAmount": 120, "Loan_Amount_Term": 360, "Credit_History": 0, "Property_Area": "Semiurban"},
     {"ApplicantIncome": 5417, "CoapplicantIncome": 4196, "LoanAmount": 267, "Loan_Amount_Term": 360, "Credit_History": 1, "Property_Area": "Urban"},
     {"ApplicantIncome": 4006, "CoapplicantIncome": 1526, "LoanAmount": 95, "Loan_Amount_Term": 360, "Credit_History": 0, "Property_Area": "Rural"}]
    """

    /// `augur check --format json`: every error with its file, line, key and code; exit 1.
    @Test func checkReportsErrorsAsJSON() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "server: {maxbatch: 3, port: 70000}\nroutes:\n  healthz:\n    model: loan.onnx\n"
            .write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        let (status, out, _) = try augur("check", folder.path, "--format", "json")
        #expect(status == 1)
        let report = try JSONParser().parse(out)
        #expect(report["ok"] == false)
        guard case .array(let errors)? = report["errors"] else { Issue.record("no errors in \(out)"); return }
        #expect(errors.map { $0["code"]?.string ?? "" } == ["unknown_key", "out_of_range", "reserved_name"], "\(out)")
        #expect(errors.map { $0["line"]?.double ?? 0 } == [1, 1, 3] && errors[0]["key"] == "server.maxbatch", "\(out)")
        let (good, text, _) = try augur("check", Support.examples.appendingPathComponent("loan").path, "--format", "json")
        let answer = try JSONParser().parse(text)
        #expect(good == 0 && answer["ok"] == true && answer["routes"]?[0]?["route"] == "loan_status", "\(text)")
    }

    @Test func csvAndJSONAnswerAsTheBatchRequestDoes() async throws {
        let (status, csv, error) = try augur("predict", "--config", "examples/loan", "--input", Self.applications)
        #expect(status == 0, "\(error)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("augur-rows-\(UUID().uuidString).json")
        try Self.rows.write(to: file, atomically: true, encoding: .utf8)
        let (_, json, _) = try augur("predict", "--config", Support.examples.appendingPathComponent("loan").path,
                                     "--route", "loan_status", "--input", file.path)
        #expect(json == csv)
        // The HTTP answer to the same rows is the same bytes.
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: Self.rows)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) + "\n" == csv)
            }
        }
    }

    @Test func everyBadRowIsReportedAndNothingIsScored() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("augur-bad-\(UUID().uuidString).csv")
        try "ApplicantIncome,LoanAmount,Credit_History,Property_Area\n-5,128,1,Urban\n5849,128,1,Urban\n5849,abc,1,Downtown\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let (status, out, error) = try augur("predict", "--config", "examples/loan", "--input", file.path)
        #expect(status == 1)
        #expect(out.isEmpty)
        #expect(error.contains(#"row 1, 'ApplicantIncome': Input should be greater than or equal to 0 (got "-5")"#))
        #expect(error.contains(#"row 3, 'LoanAmount': Input should be a valid number, unable to parse string as a number (got "abc")"#))
        #expect(error.contains(#"row 3, 'Property_Area': Input should be 'Urban', 'Semiurban' or 'Rural' (got "Downtown")"#))
        #expect(!error.contains("row 2"))
    }

    @Test func modelIOShowsTheTensorsTheRouteBuilt() throws {
        let (status, out, error) = try augur("predict", "--config", "examples/loan", "--input", Self.applications, "--model-io")
        #expect(status == 0, "\(error)")
        let io = try JSONParser().parse(out)
        // TotalIncome = ApplicantIncome + CoapplicantIncome; Property_Area mapped to its code.
        #expect(io["inputs"]?["input"]?[0] == [5849, 128, 1, 2])
        #expect(io["inputs"]?["input"]?[2] == [3000, 66, 1, 2])
        #expect(io["outputs"]?["output_label"] == [1, 1, 1, 0, 1, 0])
    }

    @Test func routeChoiceAndFlagsAreChecked() throws {
        let (status, _, error) = try augur("predict", "--config", "examples/loan", "--route", "nope", "--input", Self.applications)
        #expect(status != 0 && error.contains("No route 'nope'; the configuration has 'loan_status'."))
        let (both, _, why) = try augur("predict", "--config", "examples/loan", "--model", "examples/loan/model.onnx", "--input", Self.applications)
        #expect(both != 0 && why.contains("exactly one of '--model' and '--config'"))
        #expect(try augur("predict", "--model", "examples/loan/model.onnx", "--model-io", "--input", Self.applications).0 != 0)
    }
}
