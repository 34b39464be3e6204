import Testing
import Foundation
@testable import AugurService

@Suite struct ConfigErrorTests {
    private func errors(_ yaml: String) async throws -> [String] {
        try await TempService(yaml: yaml, models: ["model.onnx": "rf_classifier_binary_loan"]).configErrors()
    }

    @Test func collectsEveryProblemWithLineAndKeyPath() async throws {
        let yaml = """
        service:
          titel: Loans
        server:
          port: 70000
        models:
          loan: model.onnx
          other: model.pkl
        routes:
          loan:
            model: loan
            parameters:
              age: {type: integer}
              income: {type: float, min: 10, max: 5}
              area: {type: enum, options: [a, a]}
              name: {type: str, pattern: "([a-z"}
              n: {type: int, min_length: 3, default: 1.5}
            rules:
              - check: income * 2
              - check: incme > 0
            features:
              - income
              - lg(income)
            outptu: {}
        """
        #expect(try await errors(yaml) == [
            "augur.yaml:2: service.titel: unknown key 'titel'; did you mean 'title'?",
            "augur.yaml:4: server.port: '70000' is out of range; expected at least 0 and at most 65535.",
            "augur.yaml:7: models.other: 'model.pkl' is not an .onnx file; Augur serves ONNX models only.",
            "augur.yaml:23: routes.loan.outptu: unknown key 'outptu'; did you mean 'output'?",
            "augur.yaml:12: routes.loan.parameters.age.type: unknown type 'integer'; expected one of int, float, str, bool, enum.",
            "augur.yaml:13: routes.loan.parameters.income: the minimum 10 is greater than the maximum 5.",
            "augur.yaml:14: routes.loan.parameters.area.options[1]: option 'a' appears twice.",
            "augur.yaml:15: routes.loan.parameters.name.pattern: invalid pattern '([a-z': a '[' without its ']'.",
            "augur.yaml:16: routes.loan.parameters.n.min_length: 'min_length' is only for str parameters, not 'int'.",
            "augur.yaml:18: routes.loan.rules[0].check: the check 'income * 2' is a number, not a condition (true or false).",
            "augur.yaml:19: routes.loan.rules[1].check: in 'incme > 0': unknown name 'incme'; did you mean 'income'? (column 1).",
            "augur.yaml:22: routes.loan.features[1]: in 'lg(income)': unknown function 'lg'; did you mean 'log'? (column 1).",
        ])
    }

    /// Every `ConfigError.Code` is reachable, and each problem gets its own (`augur check
    /// --format json` reports them; tools match on them).
    @Test func everyErrorHasItsCode() async throws {
        let base = """
        models:
          loan: model.onnx
        routes:
          loan:
            model: loan
            parameters:
              a: {type: float}
            features: [a, a, a, a]

        """
        let cases: [(ConfigError.Code, String)] = [
            (.unreadable, base + "server:\n  auth: {api_keys_file: missing-keys.txt}\n"),
            (.yamlInvalid, base + "service: [\n"),
            (.wrongType, base + "service: 5\n"),
            (.outOfRange, base + "server: {port: 70000}\n"),
            (.unknownKey, base + "service: {titel: Loans}\n"),
            (.missingKey, "service: {name: loans}\n"),
            (.conflictingKeys, base.replacingOccurrences(of: "{type: float}", with: "{type: float, min: 10, max: 5}")),
            (.invalidValue, base + "  other:\n    model: model.pkl\n"),
            (.reservedName, base + "  healthz:\n    model: loan\n"),
            (.invalidExpression, base.replacingOccurrences(of: "[a, a, a, a]", with: "[a, a, a, lg(a)]")),
            (.invalidPattern, base.replacingOccurrences(of: "a: {type: float}", with: "a: {type: float}\n      s: {type: str, pattern: '([a-z'}")),
            (.modelUnavailable, base.replacingOccurrences(of: "loan: model.onnx", with: "loan: missing.onnx")),
            (.modelMismatch, base.replacingOccurrences(of: "[a, a, a, a]", with: "[a, a, a]")),
        ]
        #expect(try await TempService(yaml: base, models: ["model.onnx": "rf_classifier_binary_loan"]).configCodes() == [])
        for (code, yaml) in cases {
            let codes = try await TempService(yaml: yaml, models: ["model.onnx": "rf_classifier_binary_loan"]).configCodes()
            #expect(codes == [code.rawValue], "\(code): \(codes)")
        }
        #expect(Set(cases.map(\.0)) == Set(ConfigError.Code.allCases))
    }

    @Test func checksFeaturesAgainstTheModel() async throws {
        let yaml = """
        models:
          loan: model.onnx
        routes:
          loan:
            model: loan
            parameters:
              a: {type: float}
              s: {type: str}
            features: [a, a, s]
            output: {round: 2}
        """
        #expect(try await errors(yaml) == [
            "augur.yaml:9: routes.loan.features: model input 'input' has shape [N, 4], so it needs 4 features in model order, not 3.",
        ])
        let typed = yaml.replacingOccurrences(of: "[a, a, s]", with: "[a, a, s, a]")
        #expect(try await errors(typed) == [
            "augur.yaml:9: routes.loan.features[2]: 's' is a string, but model input 'input' takes float32.",
        ])
    }

    @Test func missingModelAndBadReferences() async throws {
        let yaml = """
        models:
          loan: missing.onnx
        routes:
          a:
            model: lon
            parameters: {}
          b/c:
            predictor: MLPredictor
        """
        let found = try await errors(yaml)
        // 'lon' is a reference to the model store: checked when models load, not here.
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("augur.yaml:2: models.loan: model file 'missing.onnx' does not exist"))
        #expect(found[1] == "augur.yaml:7: routes.b/c: route name 'b/c' cannot be a URL segment; use letters, digits, '_', '-' and '.'.")
        #expect(try await errors("routes:\n  a:\n    model: 'lo n'\n").first?.hasPrefix("augur.yaml:3: routes.a.model: 'lo n' is neither a model under models:, a path to an .onnx file, an MLflow models:/ URI nor a store reference") == true)
    }

    @Test func routeNamesOfAugursOwnEndpointsAreRefused() async throws {
        let found = try await errors("routes:\n  healthz:\n    model: model.onnx\n  docs:\n    model: model.onnx\n")
        #expect(found == [
            "augur.yaml:2: routes.healthz: route name 'healthz' is taken by one of Augur's own endpoints (/admin, /docs, /health, /healthz, /invocations, /livez, /metrics, /monitoring, /openapi.json, /ping, /readyz, /ui, /v1, /v2, /version); choose another name.",
            "augur.yaml:4: routes.docs: route name 'docs' is taken by one of Augur's own endpoints (/admin, /docs, /health, /healthz, /invocations, /livez, /metrics, /monitoring, /openapi.json, /ping, /readyz, /ui, /v1, /v2, /version); choose another name.",
        ])
        #expect(try await errors("routes:\n  v2:\n    model: model.onnx\n").first?.contains("route name 'v2' is taken") == true)
    }

    @Test func invocationsRouteMustNameARoute() async throws {
        let found = try await errors("server:\n  invocations_route: nope\nroutes:\n  a:\n    model: model.onnx\n")
        #expect(found.contains("augur.yaml:2: server.invocations_route: 'nope' is not a route; routes: 'a'."), "\(found)")
    }

    @Test func yamlSyntaxAndDuplicates() async throws {
        #expect(try await errors("routes:\n  a: [1,\n") .first?.hasPrefix("augur.yaml:3: invalid YAML:") == true)
        #expect(try await errors("routes:\n  a:\n    model: model.onnx\n  a:\n    model: model.onnx\n") == ["augur.yaml:2: duplicate key 'a'."])
        #expect(try await errors("") == ["augur.yaml: the file is empty; expected routes: (and optionally service:, server:, models:)."])
        #expect(try await errors("routes:\n  r:\n    model: model.onnx\n    features: [\"map(x, {a: 1})\"]\n").first?.contains("unknown name 'x'") == true)
    }

    @Test func modelLoadErrorsNameTheModelsEntry() async throws {
        let service = try TempService(yaml: "models:\n  broken: broken.onnx\nroutes:\n  r: {model: broken}\n")
        try "not a model".write(to: service.folder.appendingPathComponent("broken.onnx"), atomically: true, encoding: .utf8)
        let found = await service.configErrors()
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("augur.yaml:2: models.broken: model 'broken' cannot be loaded:") == true)
    }

    @Test func defaultsAreCheckedAndApplied() async throws {
        let yaml = """
        routes:
          r:
            model: model.onnx
            parameters:
              a: {type: float, min: 0, default: -1}
              b: {type: enum, options: [x, y], default: z}
              c: {type: bool, default: yes}
        """
        #expect(try await errors(yaml) == [
            "augur.yaml:5: routes.r.parameters.a.default: '-1' is not a valid value: Input should be greater than or equal to 0.",
            "augur.yaml:6: routes.r.parameters.b.default: 'z' is not a valid value: Input should be 'x' or 'y'.",
            "augur.yaml:7: routes.r.parameters.c.default: 'yes' is not a valid value: Input should be a valid boolean.",
        ])
    }
}
