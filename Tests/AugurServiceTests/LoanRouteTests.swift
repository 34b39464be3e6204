import Testing
@testable import AugurService

let loanYAML = """
service:
  title: Loan approval
  description: Predicts whether a loan application is approved.
server:
  max_batch: 3
models:
  loan: model.onnx
routes:
  loan_status:
    model: loan
    description: Approve or refuse a loan application.
    parameters:
      ApplicantIncome: {type: float, min: 0, unit: USD/month, description: Monthly income of the applicant, example: 5849}
      CoapplicantIncome: {type: float, min: 0, default: 0}
      LoanAmount: {type: float, exclusive_min: 0, unit: thousand USD, example: 128}
      Credit_History: {type: enum, options: [0, 1], description: 1 if the credit history meets guidelines}
      Property_Area: {type: enum, options: [Urban, Semiurban, Rural]}
      Name: {type: str, required: false, min_length: 1, max_length: 100, pattern: "^[A-Za-z ]+$", nullable: true}
    rules:
      - check: LoanAmount * 1000 <= 100 * (ApplicantIncome + CoapplicantIncome)
        message: The loan amount may be at most 100 times the monthly income.
    features:
      - ApplicantIncome + CoapplicantIncome
      - LoanAmount
      - Credit_History
      - "map(Property_Area, {Rural: 0, Semiurban: 1, Urban: 2})"
    output:
      labels: {0: Not approved, 1: Approved}
      probabilities: true
"""

@Suite struct LoanRouteTests {
    let service: Service
    let route: Route

    init() async throws {
        service = try await TempService(yaml: loanYAML, models: ["model.onnx": "rf_classifier_binary_loan"]).service()
        route = try #require(service.route(named: "loan_status"))
    }

    @Test func configuration() {
        #expect(service.configuration.title == "Loan approval")
        #expect(service.configuration.maxBatch == 3)
        #expect(service.routes.map(\.name) == ["loan_status"])
        #expect(route.modelName == "loan")
        #expect(route.modelVersion.count == 12)
        #expect(route.parameters.map(\.name) == ["ApplicantIncome", "CoapplicantIncome", "LoanAmount", "Credit_History", "Property_Area", "Name"])
        #expect(route.isClassifier)
    }

    @Test func predictsOneRowLikeOnnxRuntime() throws {
        // Fixture row 0: [5849, 128, 1, 2] → label 1, P = 0.2152609 / 0.7847391.
        let response = try route.answer(body: json(#"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#))
        // Probabilities match onnxruntime to float32 rounding (the ensemble sums in its own order).
        let p = try #require(response["probability"]?.double)
        #expect(abs(p - 0.7847391366958618) < 1e-6)
        #expect(abs((response["probabilities"]?["Not approved"]?.double ?? 0) - 0.21526086330413818) < 1e-6)
        var shape = response
        if case .object(var o) = shape {
            o["probability"] = 0.5
            o["probabilities"] = ["Not approved": 0.5, "Approved": 0.5]
            shape = .object(o)
        }
        #expect(shape.serializedString == #"{"prediction":"Approved","class":1,"probability":0.5,"probabilities":{"Not approved":0.5,"Approved":0.5},"model":{"name":"loan","version":"\#(route.modelVersion)"}}"#)
    }

    @Test func predictsABatch() throws {
        // Fixture rows 0, 1 and 3: [4583, 128, 1, 0] → 1; [4941, 120, 0, 1] → 0.
        let body = try json("""
        [{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"},
         {"ApplicantIncome": 4000, "CoapplicantIncome": 583, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Rural"},
         {"ApplicantIncome": 4941, "LoanAmount": 120, "Credit_History": 0, "Property_Area": "Semiurban", "Name": null}]
        """)
        let response = try route.answer(body: body)
        let predictions = try #require(response["predictions"])
        #expect(predictions[0]?["class"] == 1)
        #expect(predictions[1]?["class"] == 1)
        // Written with Float's shortest digits, read back as that decimal.
        #expect(predictions[1]?["probability"] == .number(JSONNumber(Double("\(Float(0.614733099937439))")!)))
        #expect(try route.predict(body: body).classification?.probability[1] == Float(0.614733099937439))
        #expect(predictions[2]?["prediction"] == "Not approved")
        #expect(predictions[0]?["model"] == nil)
        #expect(response["model"]?["name"] == "loan")
        let instances = try route.answer(body: json(#"{"instances": \#(body.serializedString)}"#))
        #expect(instances == response)
    }

    @Test func getQuery() throws {
        let response = try route.answer(query: [("ApplicantIncome", "5849"), ("LoanAmount", "128"), ("Credit_History", "1"), ("Property_Area", "Urban")])
        #expect(response["class"] == 1)
        #expect(errorBody { try route.answer(query: [("ApplicantIncome", "abc"), ("LoanAmount", "128"), ("Credit_History", "2"), ("Property_Area", "Urban"), ("x", "1")]) }
            == #"{"detail":[{"type":"float_parsing","loc":["query","ApplicantIncome"],"msg":"Input should be a valid number, unable to parse string as a number","input":"abc"},{"type":"enum","loc":["query","Credit_History"],"msg":"Input should be 0 or 1","input":"2","ctx":{"expected":"0 or 1"}},{"type":"extra_forbidden","loc":["query","x"],"msg":"Extra inputs are not permitted","input":"1"}]}"#)
    }

    @Test func collectsEveryProblem() throws {
        let body = try json(#"{"ApplicantIncome": -1, "LoanAmount": 0, "Credit_History": "1", "Property_Area": "Town", "Name": "R2D2", "Age": 3}"#)
        #expect(errorBody { try route.answer(body: body) } == """
        {"detail":[\
        {"type":"greater_than_equal","loc":["body","ApplicantIncome"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},\
        {"type":"greater_than","loc":["body","LoanAmount"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},\
        {"type":"enum","loc":["body","Credit_History"],"msg":"Input should be 0 or 1","input":"1","ctx":{"expected":"0 or 1"}},\
        {"type":"enum","loc":["body","Property_Area"],"msg":"Input should be 'Urban', 'Semiurban' or 'Rural'","input":"Town","ctx":{"expected":"'Urban', 'Semiurban' or 'Rural'"}},\
        {"type":"string_pattern_mismatch","loc":["body","Name"],"msg":"String should match pattern '^[A-Za-z ]+$'","input":"R2D2","ctx":{"pattern":"^[A-Za-z ]+$"}},\
        {"type":"extra_forbidden","loc":["body","Age"],"msg":"Extra inputs are not permitted","input":3}]}
        """)
    }

    @Test func missingTypesAndRules() throws {
        let body = try json(#"[{"ApplicantIncome": "5849", "Credit_History": 1.0, "Property_Area": "Urban"}, {"ApplicantIncome": 100, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Name": ""}, 3]"#)
        #expect(errorBody { try route.answer(body: body) } == """
        {"detail":[\
        {"type":"float_type","loc":["body",0,"ApplicantIncome"],"msg":"Input should be a valid number","input":"5849"},\
        {"type":"missing","loc":["body",0,"LoanAmount"],"msg":"Field required","input":{"ApplicantIncome":"5849","Credit_History":1.0,"Property_Area":"Urban"}},\
        {"type":"string_too_short","loc":["body",1,"Name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},\
        {"type":"string_pattern_mismatch","loc":["body",1,"Name"],"msg":"String should match pattern '^[A-Za-z ]+$'","input":"","ctx":{"pattern":"^[A-Za-z ]+$"}},\
        {"type":"rule_failed","loc":["body",1,"LoanAmount"],"msg":"The loan amount may be at most 100 times the monthly income.","input":128,"ctx":{"rule":"LoanAmount * 1000 <= 100 * (ApplicantIncome + CoapplicantIncome)"}},\
        {"type":"model_attributes_type","loc":["body",2],"msg":"Input should be a valid dictionary or object to extract fields from","input":3}]}
        """)
    }

    @Test func batchLimitAndBodyType() throws {
        let row = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#
        let four = try json("[\(row), \(row), \(row), \(row)]")
        #expect(errorBody { try route.answer(body: four) } == #"{"detail":[{"type":"too_long","loc":["body"],"msg":"List should have at most 3 items after validation, not 4","ctx":{"field_type":"List","max_length":3,"actual_length":4}}]}"#)
        #expect(errorBody { try route.answer(body: "text") } == #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"text"}]}"#)
        #expect(try route.answer(body: []) == ["predictions": [], "model": ["name": "loan", "version": .string(route.modelVersion)]])
    }
}

@Suite struct LoanRoutePerformanceTests {
    /// parse → validate → features → plan → output → serialize for one row. Debug builds are
    /// slow, so the bound is loose; it catches accidental quadratic work, not microseconds.
    @Test func requestPathIsCheap() async throws {
        let service = try await TempService(yaml: loanYAML, models: ["model.onnx": "rf_classifier_binary_loan"]).service()
        let route = try #require(service.route(named: "loan_status"))
        let body = Array(#"{"ApplicantIncome": 5849, "CoapplicantIncome": 0, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#.utf8)
        let parser = JSONParser()
        let n = 2000
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<n { bytes += try route.answer(body: parser.parse(body)).serialized().count }
        }
        let perRequest = elapsed / n
        print("loan request path: \(perRequest) per request (debug build)")
        #expect(bytes > 0)
        #expect(perRequest < .milliseconds(1))
    }
}
