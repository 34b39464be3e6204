import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// GET /metrics in process: exact counts after known traffic, bounded labels, and off with
/// `server.metrics: false`. scripts/metrics/check.py reads the same text with Prometheus's parser.
@Suite struct MetricsTests {
    /// The value of the sample `name{labels}` (labels in any order), if present.
    static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let head = line.prefix { $0 != " " }
            let base = head.prefix { $0 != "{" }
            guard base == name else { continue }
            var found: [String: String] = [:]
            if let open = head.firstIndex(of: "{") {
                for pair in head[head.index(after: open)..<head.index(before: head.endIndex)].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { found[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
                }
            }
            if found == labels { return Double(line.split(separator: " ").last ?? "") }
        }
        return nil
    }

    @Test func countsAreExactAfterKnownTraffic() async throws {
        let service = try await Support.service("loan")
        try await Support.app(service).test(.router) { client in
            let good = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#
            for _ in 0..<4 { _ = try await client.execute(uri: "/loan_status", method: .post, body: Support.body(good)) }
            _ = try await client.execute(uri: "/loan_status", method: .post, body: Support.body("[\(good), \(good)]"))
            _ = try await client.execute(uri: "/loan_status", method: .post, body: Support.body(#"{"LoanAmount": "lots"}"#))
            _ = try await client.execute(uri: "/no/such/path?id=123", method: .get)
            _ = try await client.execute(uri: "/loan_status", method: .init("BREW")!)
            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                return String(buffer: response.body)
            }
            #expect(Self.sample(text, "augur_http_requests_total", ["endpoint": "loan_status", "method": "POST", "status": "200"]) == 5)
            #expect(Self.sample(text, "augur_http_requests_total", ["endpoint": "loan_status", "method": "POST", "status": "422"]) == 1)
            #expect(Self.sample(text, "augur_http_requests_total", ["endpoint": "other", "method": "GET", "status": "404"]) == 1)
            #expect(Self.sample(text, "augur_http_requests_total", ["endpoint": "loan_status", "method": "other", "status": "405"]) == 1)
            #expect(Self.sample(text, "augur_http_request_duration_seconds_count", ["endpoint": "loan_status"]) == 7)
            #expect(Self.sample(text, "augur_http_errors_total", ["endpoint": "loan_status", "type": "float_type"]) == 1)
            #expect(Self.sample(text, "augur_http_errors_total", ["endpoint": "loan_status", "type": "missing"]) == 3)
            let route = try #require(service.route(named: "loan_status"))
            #expect(Self.sample(text, "augur_rows_predicted_total", ["route": "loan_status", "model_name": "loan", "model_version": route.modelVersion]) == 6)
            #expect(Self.sample(text, "augur_http_requests_in_flight") == 1)
            #expect(text.contains("augur_model_info{model=\"loan\",name=\"loan\",version=\"\(route.modelVersion)\",sha256=\""))
            #expect(Self.sample(text, "augur_model_reloads_total", ["model": "loan"]) == 0)
            #expect((Self.sample(text, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            // Nothing from a path or a query string becomes a label.
            #expect(!text.contains("no/such") && !text.contains("id=") && !text.contains("\"123\""))
        }
    }

    @Test func offWithServerMetricsFalse() async throws {
        var configuration = try ServiceConfiguration.load(contentsOf: Support.examples.appendingPathComponent("loan/augur.yaml").path)
        configuration.metrics = false
        let service = try await Service.load(configuration: configuration)
        try await Support.app(service).test(.router) { client in
            let status = try await client.execute(uri: "/metrics", method: .get) { Int($0.status.code) }
            #expect(status == 404)
        }
    }
}
