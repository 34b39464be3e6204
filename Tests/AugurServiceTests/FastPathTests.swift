import Testing
@testable import AugurService

/// `Route.predict(json:parser:)` (which reads the usual single-object request straight from its
/// bytes) answers exactly as parsing and then `predict(body:)` does: the same response, or the
/// same error, for every body, the fast path's and the ones it hands to the general path.
@Suite struct FastPathTests {
    let route: Route

    init() throws {
        let service = try TempService(yaml: loanYAML, models: ["model.onnx": "rf_classifier_binary_loan"]).service()
        route = try #require(service.route(named: "loan_status"))
    }

    static let bodies: [String] = [
        // Taken by the fast path.
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome":5849,"CoapplicantIncome":0,"LoanAmount":128,"Credit_History":1,"Property_Area":"Urban"}"#,
        " \n\t{ \"Property_Area\" : \"Rural\" , \"Credit_History\" : 0 , \"LoanAmount\" : 66.5e0 , \"ApplicantIncome\" : 3000.25 } \r\n",
        #"{"ApplicantIncome": 1e3, "LoanAmount": 1, "Credit_History": 1.0, "Property_Area": "Semiurban", "Name": "Ann Lee"}"#,
        #"{"ApplicantIncome": 4000, "LoanAmount": 100, "Credit_History": 1, "Property_Area": "Urban", "Name": null}"#,
        #"{"ApplicantIncome": 4000, "LoanAmount": 100, "Credit_History": 1, "Property_Area": "Urban", "CoapplicantIncome": -0}"#,
        #"{"ApplicantIncome": 0.000001, "LoanAmount": 1e-7, "Credit_History": 0, "Property_Area": "Urban", "CoapplicantIncome": 123456789012345678901234567890}"#,
        // Values the fast path reads but the general path must judge.
        #"{"ApplicantIncome": -1, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 0, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 2, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "urban"}"#,
        #"{"ApplicantIncome": "5849", "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": true, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": null, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 10, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Name": ""}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Name": "R2D2"}"#,
        #"{"ApplicantIncome": 1e400, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": NaN, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 01, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        // Shapes the fast path leaves to the general path.
        #"{"LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Extra": 1}"#,
        #"{"ApplicantIncome": 5849, "ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"Applicant\u0049ncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": [5849], "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": {"v": 5849}, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urb\u0061n"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban",}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"} x"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban""#,
        #"{"ApplicantIncome": 5849 "LoanAmount": 128}"#,
        #"{"ApplicantIncome" 5849}"#,
        #"{ApplicantIncome: 5849}"#,
        #"{"instances": [{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}]}"#,
        #"[{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}]"#,
        "{}", "[]", "", " ", "null", "1", "\"x\"", "{", "}", "{\"\"}", "{\"\": 1}",
        "{\"Property_Area\": \"Urb\u{00E4}n\"}", "\u{FEFF}{}",
    ]

    func outcome(_ result: () throws(RequestError) -> JSONValue) -> Result<String, RequestError> {
        do throws(RequestError) { return .success(try result().serializedString) } catch { return .failure(error) }
    }

    func fast(_ bytes: [UInt8], _ parser: JSONParser) -> Result<String, RequestError> {
        bytes.withUnsafeBytes { raw in outcome { () throws(RequestError) in try route.predict(json: raw, parser: parser) } }
    }

    func text(_ route: Route, _ bytes: [UInt8], _ parser: JSONParser) -> Result<String, RequestError> {
        bytes.withUnsafeBytes { raw in
            do throws(RequestError) {
                return .success(String(decoding: try route.predictJSON(json: raw, parser: parser), as: UTF8.self))
            } catch {
                return .failure(error)
            }
        }
    }

    @Test func sameAnswersAsParsingFirst() {
        let parser = JSONParser()
        for body in Self.bodies {
            let bytes = Array(body.utf8)
            let fast = fast(bytes, parser)
            let general = outcome { () throws(RequestError) in try route.predict(body: parser.parse(bytes)) }
            #expect(fast == general, "\(body)")
            // The response text written directly is the serialised response, byte for byte.
            #expect(text(route, bytes, parser) == general, "\(body)")
        }
    }

    /// Other response shapes written directly: string labels without probabilities, a
    /// regression with rounding and a unit, a multi-class classifier with a threshold-free table.
    @Test func directTextMatchesSerialisationForOtherRoutes() throws {
        let parser = JSONParser()
        let regression = """
        routes:
          disease:
            model: linear.onnx
            parameters:
        \((0..<10).map { "      x\($0): {type: float}" }.joined(separator: "\n"))
            output: {round: 2, unit: points}
        """
        let iris = """
        routes:
          iris:
            predictor: iris.onnx
            parameters:
              sepal_length: {type: float}
              sepal_width: {type: float}
              petal_length: {type: float}
              petal_width: {type: float}
            output: {probabilities: false}
        """
        func irisYAML(_ model: String, output: String) -> String {
            """
            routes:
              iris:
                model: \(model)
                parameters:
                  sepal_length: {type: float}
                  sepal_width: {type: float}
                  petal_length: {type: float}
                  petal_width: {type: float}
                output: \(output)
            """
        }
        let irisBodies = [
            #"{"sepal_length": 5.4, "sepal_width": 3.9, "petal_length": 1.7, "petal_width": 0.4}"#,
            #"{"sepal_length": 6.7, "sepal_width": 3.1, "petal_length": 4.7, "petal_width": 1.5}"#,
            #"{"sepal_length": 6.5, "sepal_width": 3.0, "petal_length": 5.5, "petal_width": 1.8}"#,
        ]
        let multioutput = """
        routes:
          two:
            model: m.onnx
            parameters: {a: {type: float}, b: {type: float}, c: {type: float}, d: {type: float}, e: {type: float}}
            output: {round: 3}
        """
        let threshold = loanYAML.replacingOccurrences(of: "probabilities: true", with: "probabilities: false\n      threshold: 0.8")
        let loanBodies = Self.bodies.prefix(7).map { $0 }
        let cases: [(String, [String: String], String, [String])] = [
            (threshold, ["model.onnx": "rf_classifier_binary_loan"], "loan_status", loanBodies),
            (irisYAML("m.onnx", output: "{}"), ["m.onnx": "rf_classifier_multiclass"], "iris", irisBodies),
            (irisYAML("m.onnx", output: "{labels: {0: setosa, 1: other, 2: other}}"), ["m.onnx": "rf_classifier_multiclass"], "iris", irisBodies),
            (irisYAML("m.onnx", output: "{labels: {2: virginica, 0: setosa, 1: versicolor}}"), ["m.onnx": "rf_classifier_multiclass_nozipmap"], "iris", irisBodies),
            (irisYAML("m.onnx", output: "{}"), ["m.onnx": "rf_classifier_multiclass_nozipmap"], "iris", irisBodies),
            (irisYAML("m.onnx", output: "{}"), ["m.onnx": "logistic_regression_multiclass_nozipmap"], "iris", irisBodies),
            (irisYAML("m.onnx", output: "{}"), ["m.onnx": "rf_classifier_string_labels"], "iris", irisBodies),
            (multioutput, ["m.onnx": "rf_regressor_multioutput"], "two", [#"{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}"#, #"{"a": -1, "b": 0.5, "c": 0, "d": 0, "e": 9}"#]),
            (regression, ["linear.onnx": "linear_regression_float"], "disease", [
                "{" + (0..<10).map { "\"x\($0)\": 0.0\($0)" }.joined(separator: ", ") + "}",
                "{" + (0..<10).map { "\"x\($0)\": -1e\($0)" }.joined(separator: ", ") + "}",
                "{\"x0\": 1}",
            ]),
            (iris, ["iris.onnx": "rf_classifier_string_labels"], "iris", [
                #"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#,
                #"{"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}"#,
            ]),
        ]
        for (yaml, models, name, bodies) in cases {
            guard let service = try? TempService(yaml: yaml, models: models).service(), let route = service.route(named: name) else {
                Issue.record("\(name) did not load")
                continue
            }
            for body in bodies {
                let bytes = Array(body.utf8)
                let general = outcome { () throws(RequestError) in try route.predict(body: parser.parse(bytes)) }
                #expect(text(route, bytes, parser) == general, "\(name): \(body)")
            }
        }
    }

    @Test func invalidUTF8AndShallowDepth() {
        let bodies: [[UInt8]] = [
            Array(#"{"Property_Area": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
            Array(#"{"Property_Are"#.utf8) + [0xC3, 0xA9] + Array(#"": 1}"#.utf8),
            Array(#"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#.utf8),
        ]
        for parser in [JSONParser(), JSONParser(maxDepth: 1)] {
            for bytes in bodies {
                let fast = fast(bytes, parser)
                let general = outcome { () throws(RequestError) in try route.predict(body: parser.parse(bytes)) }
                #expect(fast == general)
            }
        }
    }

    @Test func fastPathIsTakenForThePlainRequest() throws {
        let bytes = Array(#"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#.utf8)
        let storage = bytes.withUnsafeBufferPointer { route.pipeline.fastStorage($0, maxDepth: 8) }
        #expect(storage == [.number(5849), .number(0), .number(128), .number(1), .string("Urban"), .missing])
        // The first seven bodies are all read by the fast path.
        for body in Self.bodies.prefix(7) {
            let bytes = Array(body.utf8)
            #expect(bytes.withUnsafeBufferPointer { route.pipeline.fastStorage($0, maxDepth: 8) } != nil, "\(body)")
        }
        let unknown = Array(#"{"ApplicantIncome": 5849, "X": 1}"#.utf8)
        #expect(unknown.withUnsafeBufferPointer { route.pipeline.fastStorage($0, maxDepth: 8) } == nil)
    }
}
