import AugurLoad
import Foundation
import Testing

/// `augur loadtest`: the histogram's percentiles, the ramp, and the command against a real
/// `augur serve` on 127.0.0.1 (the route's example taken from /openapi.json, a JSON report,
/// errors stopping the ramp, the refusal to run unbounded).
@Suite struct LoadTestTests {
    @Test func percentilesAreWithinOnePercent() {
        var histogram = LatencyHistogram()
        for micros in 1...10_000 { histogram.record(microseconds: Double(micros)) }
        for (q, truth) in [(0.5, 5000.0), (0.99, 9900.0), (0.999, 9990.0), (1.0, 10000.0)] {
            let p = histogram.percentile(q)
            #expect(p >= truth * 0.999 && p <= truth * 1.011, "p\(q) = \(p), truth \(truth)")
        }
        var other = LatencyHistogram()
        other.record(microseconds: 50_000)
        histogram.add(other)
        #expect(histogram.count == 10_001 && histogram.percentile(1) == 50_000)
        #expect(LatencyHistogram().percentile(0.99) == 0)
    }

    @Test func theRampDoubles() {
        #expect(LoadTest.ramp(upTo: 1) == [1])
        #expect(LoadTest.ramp(upTo: 8) == [1, 2, 4, 8])
        #expect(LoadTest.ramp(upTo: 12) == [1, 2, 4, 8, 12])
    }

    func augur(_ arguments: [String]) throws -> (Int32, String, String) { try Support.runAugur(arguments) }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func rampsAgainstARealServer() async throws {
        let port = LiveServerTests.freePort()
        let server = Process()
        server.executableURL = LiveServerTests.binary
        server.arguments = ["serve", Support.examples.appendingPathComponent("loan").path, "--port", "\(port)", "--log-level", "warning"]
        server.standardOutput = Pipe()
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var ready = false
        for _ in 0..<100 where !ready {
            if let (status, _) = try? await LiveServerTests.request(URL(string: "http://127.0.0.1:\(port)/healthz")!), status == 200 {
                ready = true
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(ready)
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("loadtest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let (status, out, err) = try augur(["loadtest", "http://127.0.0.1:\(port)", "--duration", "0.4", "--max-connections", "4",
                                            "--json", report.path])
        #expect(status == 0, "\(out)\(err)")
        #expect(out.contains("POST http://127.0.0.1:\(port)/loan_status") && out.contains("Highest rate held with no errors"), "\(out)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["connections"] as? Int } == [1, 2, 4])
        for step in steps {
            #expect((step["requests"] as? Int ?? 0) > 10 && step["errors"] as? Int == 0)
            let p50 = step["p50_ms"] as? Double ?? 0, p99 = step["p99_ms"] as? Double ?? 0
            #expect(p50 > 0 && p99 >= p50)
        }
        #expect((json["sustained"] as? [String: Any])?["rate"] as? Double ?? 0 > 0)

        // A body the route refuses: every answer is an error, the ramp stops at once, exit 1.
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try #"{"LoanAmount": -1}"#.write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        let (badStatus, badOut, _) = try augur(["loadtest", "http://127.0.0.1:\(port)", "--route", "loan_status", "--body", bad.path,
                                                "--duration", "0.2"])
        #expect(badStatus == 1 && badOut.contains("stopped:") && badOut.contains("422") && badOut.contains("No step held"), "\(badOut)")

        // Never unbounded, never https.
        #expect(try augur(["loadtest", "http://127.0.0.1:\(port)"]).0 != 0)
        #expect(try augur(["loadtest", "https://127.0.0.1:\(port)", "--duration", "1"]).0 != 0)
    }
}
