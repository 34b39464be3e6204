import Testing
@testable import AugurService

@Suite struct RouteKindsTests {
    @Test func pipelineBindsInputsByName() async throws {
        let yaml = """
        models:
          pipeline: {path: pipeline.onnx}
        routes:
          approve:
            model: pipeline
            parameters:
              applicant_income: {type: float, nullable: true}
              loan_amount: {type: float}
              loan_term: {type: float, default: 360}
              property_area: {type: enum, options: [Urban, Semiurban, Rural]}
              education: {type: str}
        """
        let route = try #require(try await TempService(yaml: yaml, models: ["pipeline.onnx": "column_transformer_pipeline"]).service().route(named: "approve"))
        // Fixture row 0 → label 1 with P(1) = 0.5599103569984436.
        let response = try route.answer(body: json(#"{"applicant_income": 5849, "loan_amount": 128, "property_area": "Urban", "education": "Graduate"}"#))
        #expect(response["class"] == 1)
        #expect(response["prediction"] == "1")
        #expect(abs((response["probabilities"]?["1"]?.double ?? 0) - 0.5599103569984436) < 1e-5)
        #expect(response["model"]?["name"] == "pipeline")
    }

    @Test func regressionWithRoundingAndUnit() async throws {
        let names = (0..<10).map { "x\($0)" }
        let yaml = """
        routes:
          disease:
            model: linear.onnx
            parameters:
        \(names.map { "      \($0): {type: float}" }.joined(separator: "\n"))
            output: {round: 2, unit: points}
        """
        let route = try #require(try await TempService(yaml: yaml, models: ["linear.onnx": "linear_regression_float"]).service().route(named: "disease"))
        #expect(!route.isClassifier)
        #expect(route.modelName == "linear")
        let row: [Double] = [0.0635036751627922, 0.050680119544267654, -0.001894705812446773, 0.06662944704294205, 0.09061988443136215,
                             0.10891438275575638, 0.02286863513290882, 0.017703354358673096, -0.035816192626953125, 0.003064409364014864]
        var object = JSONObject()
        for (name, x) in zip(names, row) { object[name] = .number(x) }
        let response = try route.answer(body: .object(object))
        #expect(response["prediction"] == 118.85)
        #expect(response["unit"] == "points")
        #expect(route.responseSchema()["properties"]?["prediction"]?["description"] == "The predicted value, in points.")
    }

    /// XGBoost exported with a dynamic feature count ([N, ?]): the features list gives the
    /// width, and the answers are the fixed-width export's (the same trees).
    @Test func openWidthInputTakesTheFeaturesList() async throws {
        let names = (0..<10).map { "x\($0)" }
        func yaml(_ file: String) -> String {
            """
            routes:
              value:
                model: \(file)
                parameters:
            \(names.map { "      \($0): {type: float}" }.joined(separator: "\n"))
                features: [\(names.joined(separator: ", "))]
            """
        }
        let open = try #require(try await TempService(yaml: yaml("open.onnx"), models: ["open.onnx": "xgboost_regressor_open_width"]).service().route(named: "value"))
        let fixed = try #require(try await TempService(yaml: yaml("fixed.onnx"), models: ["fixed.onnx": "xgboost_regressor"]).service().route(named: "value"))
        for seed in 0..<5 {
            var object = JSONObject()
            for (i, name) in names.enumerated() { object[name] = .number(Double((seed * 7 + i * 3) % 11) / 50 - 0.1) }
            let a = try open.answer(body: .object(object)), b = try fixed.answer(body: .object(object))
            #expect(a["prediction"] != nil && a["prediction"] == b["prediction"], "\(a) \(b)")
        }
        // A features list the model cannot take is a configuration error (a probe row at load).
        let short = yaml("open.onnx").replacingOccurrences(of: "features: [x0, ", with: "features: [")
        let errors = try await TempService(yaml: short, models: ["open.onnx": "xgboost_regressor_open_width"]).configErrors()
        #expect(errors.count == 1 && errors[0].contains("with these 9 features it fails") && errors[0].contains("feature index 9"), "\(errors)")
    }

    /// A `str` parameter feeding a text pipeline (TfidfVectorizer + LogisticRegression), bound
    /// by name to the model's `text` input; without `max_length` it takes at most 10,000
    /// characters.
    @Test func textRouteAndItsDefaultLength() async throws {
        let yaml = """
        routes:
          spam:
            model: model.onnx
            parameters:
              text: {type: str}
        """
        let route = try #require(try await TempService(yaml: yaml, models: ["model.onnx": "text_tfidf_lr"]).service().route(named: "spam"))
        #expect(route.parameters.first?.maxLength == 10_000)
        let spam = try route.answer(body: .object(JSONObject([("text", .string("WIN a FREE prize now, call 0800-555-0199"))])))
        let ham = try route.answer(body: .object(JSONObject([("text", .string("see you at lunch tomorrow at the café"))])))
        #expect(spam["prediction"] != nil && spam["prediction"] != ham["prediction"], "\(spam) \(ham)")
        do {
            _ = try route.answer(body: .object(JSONObject([("text", .string(String(repeating: "a", count: 10_001)))])))
            Issue.record("a message of 10,001 characters was accepted")
        } catch let error as RequestError {
            #expect(error.issues.map(\.type) == [IssueType.stringTooLong])
        }
    }

    @Test func stringLabelsAndKedroPredictor() async throws {
        let yaml = """
        routes:
          iris:
            predictor: iris.onnx
            parameters:
              sepal_length: {type: float}
              sepal_width: {type: float}
              petal_length: {type: float}
              petal_width: {type: float}
        """
        let route = try #require(try await TempService(yaml: yaml, models: ["iris.onnx": "rf_classifier_string_labels"]).service().route(named: "iris"))
        let response = try route.answer(query: [("sepal_length", "5.4"), ("sepal_width", "3.9"), ("petal_length", "1.7"), ("petal_width", "0.4")])
        #expect(response["prediction"] == "setosa")
        #expect(response["class"] == "setosa")
        guard case .object(let probabilities)? = response["probabilities"] else { Issue.record("no probabilities"); return }
        #expect(probabilities.keys == ["setosa", "versicolor", "virginica"])
    }

    @Test func thresholdPicksThePositiveClass() async throws {
        let yaml = loanYAML.replacingOccurrences(of: "      - map(Property_Area, {Rural: 0, Semiurban: 1, Urban: 2})",
                                                 with: "      - \"map(Property_Area, {Rural: 0, Semiurban: 1, Urban: 2})\"")
            .replacingOccurrences(of: "probabilities: true", with: "probabilities: false\n      threshold: 0.8")
        let route = try #require(try await TempService(yaml: yaml, models: ["model.onnx": "rf_classifier_binary_loan"]).service().route(named: "loan_status"))
        let response = try route.answer(body: json(#"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#))
        #expect(response["class"] == 0)
        #expect(response["prediction"] == "Not approved")
        #expect(response["probabilities"] == nil)
        #expect(abs((response["probability"]?.double ?? 0) - 0.2152609) < 1e-5)
    }

    @Test func schemasAndExample() async throws {
        let route = try #require(try await TempService(yaml: loanYAML, models: ["model.onnx": "rf_classifier_binary_loan"]).service().route(named: "loan_status"))
        let schema = route.requestSchema()
        #expect(schema["required"] == ["ApplicantIncome", "LoanAmount", "Credit_History", "Property_Area"])
        #expect(schema["additionalProperties"] == false)
        #expect(schema["properties"]?["ApplicantIncome"] == ["type": "number", "minimum": 0, "examples": [5849], "description": "Monthly income of the applicant. Unit: USD/month."])
        #expect(schema["properties"]?["LoanAmount"]?["exclusiveMinimum"] == 0)
        #expect(schema["properties"]?["CoapplicantIncome"]?["default"] == 0)
        #expect(schema["properties"]?["Credit_History"] == ["type": "integer", "enum": [0, 1], "description": "1 if the credit history meets guidelines"])
        #expect(schema["properties"]?["Name"] == ["type": ["string", "null"], "minLength": 1, "maxLength": 100, "pattern": "^[A-Za-z ]+$"])
        #expect(route.responseSchema()["properties"]?["prediction"]?["enum"] == ["Not approved", "Approved"])
        let example = route.exampleRequest()
        #expect(example == ["ApplicantIncome": 5849, "CoapplicantIncome": 0, "LoanAmount": 128, "Credit_History": 0, "Property_Area": "Urban"])
        #expect(try route.answer(body: example)["model"] != nil)
    }
}
