import Testing
@testable import AugurService

/// Sizes in a configuration are capped: `min_length` near Int.max used to crash startup while
/// the OpenAPI example (a string of `min_length` characters) was built.
@Suite struct HostileConfigTests {
    static func yaml(_ name: String) -> String {
        loanYAML.replacingOccurrences(
            of: #"Name: {type: str, required: false, min_length: 1, max_length: 100, pattern: "^[A-Za-z ]+$", nullable: true}"#,
            with: "Name: {type: str, \(name)}")
    }

    static func service(_ name: String) throws -> TempService {
        try TempService(yaml: yaml(name), models: ["model.onnx": "rf_classifier_binary_loan"])
    }

    @Test func hugeLengthsAreConfigErrors() async throws {
        let huge = try await Self.service("min_length: 9223372036854775000").configErrors()
        #expect(huge == [
            "augur.yaml:18: routes.loan_status.parameters.Name.min_length: '9223372036854775000' is out of range; expected at least 0 and at most 1048576.",
        ], "\(huge)")
        let long = try await Self.service("max_length: 1048577").configErrors()
        #expect(long == [
            "augur.yaml:18: routes.loan_status.parameters.Name.max_length: '1048577' is out of range; expected at least 0 and at most 1048576.",
        ], "\(long)")
    }

    @Test func theLargestLengthStillBuildsItsExample() async throws {
        let route = try #require(try await Self.service("min_length: 1048576").service().route(named: "loan_status"))
        guard case .object(let example) = route.exampleRequest(), case .string(let name)? = example["Name"] else {
            Issue.record("no example for Name")
            return
        }
        #expect(name.count == 1 << 20)
    }
}
