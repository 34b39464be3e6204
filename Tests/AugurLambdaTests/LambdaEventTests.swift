@testable import AugurLambda
import AugurServer
import AugurService
import Foundation
import Logging
import Testing

/// Lambda events through the loan example's router: each event kind's request and answer
/// format, base64 both ways, errors in the one shape, and events Augur refuses.
@Suite struct LambdaEventTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let body = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#

    static func handler() async throws -> LambdaHandler {
        let path = root.appendingPathComponent("examples/loan/augur.yaml").path
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: path))
        var logger = Logger(label: "augur-lambda-test")
        logger.logLevel = .critical
        return LambdaHandler(server: AugurServer(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0)), logger: logger)
    }

    static func json(_ text: String) throws -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    func answer(_ event: String) async throws -> JSONValue {
        let bytes = try await Self.handler().handle(Array(event.utf8))
        return try JSONParser().parse(bytes)
    }

    @Test func httpAPIEventIsAPredictionInPayload2() async throws {
        let event = """
        {"version": "2.0", "routeKey": "$default", "rawPath": "/loan_status", "rawQueryString": "",
         "cookies": ["a=1"], "headers": {"content-type": "application/json", "host": "abc.lambda-url.eu-west-1.on.aws"},
         "requestContext": {"http": {"method": "POST", "path": "/loan_status"}, "stage": "$default"},
         "body": \(String(decoding: JSONValue.string(Self.body).serialized(), as: UTF8.self)), "isBase64Encoded": false}
        """
        let out = try await answer(event)
        #expect(out["statusCode"] == 200)
        #expect(out["isBase64Encoded"] == false)
        #expect(out["headers"]?["content-type"]?.string?.hasPrefix("application/json") == true, "\(out)")
        let prediction = try Self.json(out["body"]?.string ?? "")
        #expect(prediction["prediction"] == "Approved" && prediction["probability"] != nil, "\(prediction)")
        #expect(prediction["model"]?["name"] == "loan")
    }

    @Test func restAPIEventWithMultiValueQueryAndStage() async throws {
        let event = """
        {"resource": "/{proxy+}", "path": "/prod/loan_status", "httpMethod": "GET",
         "headers": {"Accept": "application/json"}, "multiValueHeaders": {"Accept": ["application/json"]},
         "queryStringParameters": {"ApplicantIncome": "5849"},
         "multiValueQueryStringParameters": {"ApplicantIncome": ["5849"], "LoanAmount": ["128"], "Credit_History": ["1"], "Property_Area": ["Urban"]},
         "requestContext": {"stage": "prod", "httpMethod": "GET"}, "body": null, "isBase64Encoded": false}
        """
        let out = try await answer(event)
        #expect(out["statusCode"] == 200, "\(out)")
        let prediction = try Self.json(out["body"]?.string ?? "")
        #expect(prediction["prediction"]?.string != nil, "\(prediction)")
    }

    @Test func base64BodyInAndValidationErrorsInTheOneShape() async throws {
        let bad = Data(#"{"ApplicantIncome": -5, "LoanAmount": "lots"}"#.utf8).base64EncodedString()
        let event = """
        {"version": "2.0", "rawPath": "/loan_status", "rawQueryString": "", "headers": {"content-type": "application/json"},
         "requestContext": {"http": {"method": "POST"}}, "body": "\(bad)", "isBase64Encoded": true}
        """
        let out = try await answer(event)
        #expect(out["statusCode"] == 422)
        let detail = try Self.json(out["body"]?.string ?? "")["detail"]
        guard case .array(let issues)? = detail else { Issue.record("no detail: \(out)"); return }
        #expect(issues.count >= 3 && issues.contains { $0["type"] == "greater_than_equal" }, "\(issues)")
    }

    @Test func loadBalancerEventsAnswerWithStatusDescriptionInTheirHeaderMode() async throws {
        for multi in [false, true] {
            let headers = multi ? #""multiValueHeaders": {"content-type": ["application/json"]}"# : #""headers": {"content-type": "application/json"}"#
            let event = """
            {"requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/1"}},
             "httpMethod": "POST", "path": "/loan_status", \(headers),
             "body": \(String(decoding: JSONValue.string(Self.body).serialized(), as: UTF8.self)), "isBase64Encoded": false}
            """
            let out = try await answer(event)
            #expect(out["statusCode"] == 200 && out["statusDescription"] == "200 OK", "\(out)")
            #expect((out["multiValueHeaders"] != nil) == multi && (out["headers"] != nil) == !multi, "\(out)")
        }
    }

    @Test func directInvocationIsAPostToTheOnlyRoute() async throws {
        let out = try await answer(Self.body)
        #expect(out["statusCode"] == 200, "\(out)")
        #expect(try Self.json(out["body"]?.string ?? "")["prediction"]?.string != nil)
    }

    @Test func unknownPathsAndProtocolsAnswerAsOverHTTP() async throws {
        let missing = try await answer(#"{"version": "2.0", "rawPath": "/nope", "requestContext": {"http": {"method": "GET"}}}"#)
        #expect(missing["statusCode"] == 404)
        #expect(try Self.json(missing["body"]?.string ?? "")["detail"]?[0]?["type"] == "not_found")
        let v2 = try await answer(#"{"version": "2.0", "rawPath": "/v2/health/ready", "requestContext": {"http": {"method": "GET"}}}"#)
        let ready = try Self.json(v2["body"]?.string ?? "")
        #expect(v2["statusCode"] == 200 && ready["ready"] == true, "\(v2)")
    }

    @Test func eventsAugurCannotReadAreRefused() async throws {
        let handler = try await Self.handler()
        await #expect(throws: LambdaEventError.self) { try await handler.handle(Array("not json".utf8)) }
        await #expect(throws: LambdaEventError.self) {
            try await handler.handle(Array(#"{"version": "2.0", "rawPath": "/loan_status", "requestContext": {"http": {"method": "POST"}}, "body": "%%%", "isBase64Encoded": true}"#.utf8))
        }
    }

    @Test func binaryBodiesGoBackInBase64() {
        let response = LambdaHTTPResponse(status: 200, reason: "OK", headers: [("Content-Type", "application/octet-stream")], body: [0, 255, 1])
        let out = LambdaEvent.response(response, for: .httpAPI)
        let json = try? JSONParser().parse(out)
        #expect(json?["isBase64Encoded"] == true && json?["body"] == "AP8B")
    }
}

/// The invocation deadline bounds the work: an answer after it is a timeout error.
@Suite struct LambdaDeadlineTests {
    @Test func workPastTheDeadlineIsATimeout() async throws {
        let now = Date().timeIntervalSince1970
        let fast = try await LambdaRuntime.bounded(by: now + 5) { [1, 2] }
        #expect(fast == [1, 2])
        await #expect(throws: (any Error).self) {
            _ = try await LambdaRuntime.bounded(by: now + 0.2) { try await Task.sleep(nanoseconds: 2_000_000_000); return [1] }
        }
        await #expect(throws: (any Error).self) { _ = try await LambdaRuntime.bounded(by: now - 1) { [1] } }
        let unbounded = try await LambdaRuntime.bounded(by: nil) { [3] }
        #expect(unbounded == [3])
    }
}
