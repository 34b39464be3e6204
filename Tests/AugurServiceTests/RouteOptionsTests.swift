import Testing
@testable import AugurService

@Suite struct RouteOptionsTests {
    private func route(_ parameters: String, extra: String = "") async throws -> Route {
        let yaml = """
        routes:
          r:
            model: model.onnx
        \(extra)
            parameters:
        \(parameters)
            features: [a, b, "if(flag, 1, 0)", "map(area, {x: 0, y: 1})"]
        """
        return try #require(try await TempService(yaml: yaml, models: ["model.onnx": "rf_classifier_binary_loan"]).service().route(named: "r"))
    }

    private let parameters = """
          a: {type: int, max: 10}
          b: {type: float, nullable: true}
          flag: {type: bool, default: false}
          area: {type: enum, options: [x, y]}
    """

    @Test func intAcceptsWholeFloatsOnly() async throws {
        let r = try await route(parameters)
        #expect(try r.answer(body: json(#"{"a": 3.0, "b": 1, "area": "x"}"#))["class"] != nil)
        #expect(errorBody { try r.answer(body: json(#"{"a": 3.5, "b": null, "area": "x", "flag": 1}"#)) } == #"{"detail":[{"type":"int_from_float","loc":["body","a"],"msg":"Input should be a valid integer, got a number with a fractional part","input":3.5},{"type":"bool_type","loc":["body","flag"],"msg":"Input should be a valid boolean","input":1}]}"#)
        #expect(errorBody { try r.answer(body: json(#"{"a": "3", "b": 1e300, "area": "z"}"#)) } == #"{"detail":[{"type":"int_type","loc":["body","a"],"msg":"Input should be a valid integer","input":"3"},{"type":"enum","loc":["body","area"],"msg":"Input should be 'x' or 'y'","input":"z","ctx":{"expected":"'x' or 'y'"}}]}"#)
        #expect(errorBody { try r.answer(body: json(#"{"a": 11, "area": "x"}"#)) } == #"{"detail":[{"type":"less_than_equal","loc":["body","a"],"msg":"Input should be less than or equal to 10","input":11,"ctx":{"le":10}},{"type":"missing","loc":["body","b"],"msg":"Field required","input":{"a":11,"area":"x"}}]}"#)
    }

    @Test func nullableAndGetBooleans() async throws {
        let r = try await route(parameters)
        #expect(try r.answer(query: [("a", "3"), ("b", ""), ("area", "y"), ("flag", "1")])["class"] != nil)
        #expect(try r.answer(body: json(#"{"a": 3, "b": null, "area": "y", "flag": true}"#))["class"] != nil)
        #expect(errorBody { try r.answer(query: [("a", "x"), ("b", "inf"), ("area", "y"), ("flag", "yes")]) } == #"{"detail":[{"type":"int_parsing","loc":["query","a"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},{"type":"value_error","loc":["query","b"],"msg":"Input should be a finite number","input":"inf"},{"type":"bool_parsing","loc":["query","flag"],"msg":"Input should be a valid boolean, unable to interpret input","input":"yes"}]}"#)
    }

    @Test func rulesSkipNullAndAbsentValues() async throws {
        let rules = """
            rules:
              - check: b <= a
                message: b may not exceed a.
        """
        let r = try await route(parameters, extra: rules)
        #expect(try r.answer(body: json(#"{"a": 3, "b": null, "area": "x"}"#))["class"] != nil)
        #expect(errorBody { try r.answer(body: json(#"{"a": 3, "b": 4, "area": "x"}"#)) } == #"{"detail":[{"type":"rule_failed","loc":["body","b"],"msg":"b may not exceed a.","input":4,"ctx":{"rule":"b <= a"}}]}"#)
    }

    @Test func unknownFieldsCanBeAllowedPerRoute() async throws {
        let r = try await route(parameters, extra: "    allow_unknown_fields: true")
        #expect(try r.answer(body: json(#"{"a": 3, "b": 1, "area": "x", "comment": "hi"}"#))["class"] != nil)
        #expect(r.requestSchema()["additionalProperties"] == nil)
    }
}
