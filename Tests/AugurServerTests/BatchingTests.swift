@testable import AugurServer
@testable import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Adaptive batching (`batching:` on a route): every request gets exactly the answer it would
/// get alone, whatever the arrival order, on every example's model family; the queue's limits.
@Suite struct BatchingTests {
    /// An example's service with `batching:` added to its route.
    /// `idleRuns`: runs in progress below which requests start at once (0: every request waits
    /// for a full batch or the deadline, which the queue tests need).
    static func batchedService(_ example: String, _ settings: String, idleRuns: Int? = nil) async throws -> Service {
        let source = Support.examples.appendingPathComponent(example)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-batch-\(example)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where !file.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        var yaml = try String(contentsOf: source.appendingPathComponent("augur.yaml"), encoding: .utf8)
        // After the route's `model:` line, at the route's indentation.
        let lines = yaml.components(separatedBy: "\n")
        var out: [String] = []
        for line in lines {
            out.append(line)
            if line.hasPrefix("    model: ") || line.hasPrefix("    predictor: ") { out.append("    batching: \(settings)") }
        }
        yaml = out.joined(separator: "\n")
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        var configuration = try ServiceConfiguration.load(contentsOf: folder.path)
        if let idleRuns {
            for i in configuration.routes.indices { configuration.routes[i].batching?.idleRuns = idleRuns }
        }
        return try await Service.load(configuration: configuration)
    }

    /// The documented successful requests' bodies of an example, as single rows.
    static func rows(_ example: String) throws -> [JSONValue] {
        let data = try Data(contentsOf: Support.examples.appendingPathComponent("\(example)/requests.json"))
        guard case .array(let entries) = try JSONParser().parse(data) else { return [] }
        var rows: [JSONValue] = []
        for case .object(let entry) in entries where entry["status"] == .number(JSONNumber(Int64(200))) && entry["method"] == "POST" {
            switch entry["body"] {
            case .object(let object)? where object["instances"] == nil: rows.append(.object(object))
            case .array(let items)?: rows.append(contentsOf: items)
            default: break
            }
        }
        return rows
    }

    static func bytes(_ predictions: Predictions) -> [UInt8] { OwnJSONEncoder().encode(predictions) }

    @Test(arguments: Support.exampleNames)
    func everyRequestGetsItsOwnAnswer(_ example: String) async throws {
        let service = try await Self.batchedService(example, "{max_batch_rows: 8, max_delay_ms: 5, max_queue_rows: 1000}")
        let route = try #require(service.routes.first)
        let batcher = try #require(route.batcher)
        let pool = try Self.rows(example)
        #expect(!pool.isEmpty)
        var random = SystemRandomNumberGenerator()
        for seed in 0..<3 {
            // Requests of 1 to 4 rows (objects and arrays), in a random order, sent together.
            var requests: [JSONValue] = []
            for _ in 0..<40 {
                let n = Int.random(in: 1...4, using: &random)
                let picked = (0..<n).map { _ in pool[Int.random(in: 0..<pool.count, using: &random)] }
                requests.append(n == 1 && Bool.random(using: &random) ? picked[0] : .array(picked))
            }
            let expected = try requests.map { Self.bytes(try route.pipeline.predict(try route.pipeline.decode(body: $0))) }
            let answers = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                for (i, body) in requests.enumerated() {
                    group.addTask {
                        try await Task.sleep(for: .microseconds(Int.random(in: 0...3000)))
                        let rows = try route.pipeline.decode(body: body)
                        return (i, Self.bytes(try await batcher.predict(rows)))
                    }
                }
                var out = [[UInt8]](repeating: [], count: requests.count)
                for try await (i, bytes) in group { out[i] = bytes }
                return out
            }
            for i in requests.indices {
                #expect(answers[i] == expected[i], "\(example), round \(seed), request \(i): \(String(decoding: answers[i], as: UTF8.self)) vs \(String(decoding: expected[i], as: UTF8.self))")
            }
        }
        let (batches, rows) = batcher.statistics
        #expect(batches > 0 && rows > batches, "\(example): \(batches) batches of \(rows) rows: requests should have shared runs")
    }

    @Test func aFullQueueAnswers503WithRetryAfter() async throws {
        let service = try await Self.batchedService("loan", "{max_batch_rows: 4, max_delay_ms: 300, max_queue_rows: 4}", idleRuns: 0)
        let three = #"[{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}, {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}, {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}]"#
        let two = #"[{"ApplicantIncome": 3000, "LoanAmount": 66, "Credit_History": 1, "Property_Area": "Rural"}, {"ApplicantIncome": 3000, "LoanAmount": 66, "Credit_History": 1, "Property_Area": "Rural"}]"#
        try await Support.app(service).test(.router) { client in
            async let first = client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                             body: Support.body(three)) { ($0.status.code, $0.headers[.retryAfter]) }
            try await Task.sleep(for: .milliseconds(100))
            let refused = try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                                   body: Support.body(two)) { response in
                (response.status.code, response.headers[.retryAfter], String(buffer: response.body))
            }
            #expect(refused.0 == 503 && refused.1 == "1" && refused.2.contains("\"type\":\"overloaded\""), "\(refused)")
            let answered = try await first
            #expect(answered.0 == 200 && answered.1 == nil)
        }
    }

    /// The deadline runs from the first waiting request's arrival: one that joins later waits
    /// only what is left of it.
    @Test func theDeadlineStartsAtTheFirstArrival() async throws {
        let service = try await Self.batchedService("loan", "{max_batch_rows: 64, max_delay_ms: 600, max_queue_rows: 1000}", idleRuns: 0)
        let route = try #require(service.routes.first)
        let batcher = try #require(route.batcher)
        let body: JSONValue = ["ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"]
        let rows = try route.pipeline.decode(body: body)
        let clock = ContinuousClock()
        async let first = clock.measure { _ = try await batcher.predict(rows) }
        try await Task.sleep(for: .milliseconds(300))
        let second = try await clock.measure { _ = try await batcher.predict(rows) }
        let waited = try await first
        #expect(waited >= .milliseconds(550), "the first request waited \(waited)")
        #expect(second < .milliseconds(550), "the second waited \(second): the deadline restarted at its arrival")
        #expect(batcher.statistics == (1, 2))
    }

    /// Each batched request records its run's rows and its wait in the queue.
    /// Where predictions run: inline until the route's measured time per row says a request
    /// would take longer than the inline budget, then on the compute pool's threads, with the
    /// same answers.
    @Test func longRunsMoveToTheComputePool() async throws {
        let cost = RunCost()
        #expect(!cost.runsLong(1_000_000), "nothing measured yet: inline")
        cost.record(rows: 10, since: RunCost.now - 1_000_000)  // about 100 µs per row
        #expect(!cost.runsLong(2) && cost.runsLong(3) && cost.runsLong(Int.max))
        let thread = try await ComputePool.run { () throws(RequestError) in Self.threadName() }
        #expect(thread.hasPrefix("TP-#"), "ran on '\(thread)'")

        let service = try await Service.load(configuration: try ServiceConfiguration.load(
            contentsOf: Support.examples.appendingPathComponent("loan").path))
        let route = try #require(service.routes.first)
        let rows = try route.pipeline.decode(body: .array(try Self.rows("loan")))
        let alone = Self.bytes(try route.pipeline.predict(rows))
        #expect(Self.bytes(try await route.predict(rows)) == alone)
        route.cost.record(rows: 1, since: RunCost.now - 1_000_000_000)
        #expect(route.cost.runsLong(1))
        #expect(Self.bytes(try await route.predict(rows)) == alone, "the same answer from the pool")
    }

    /// The calling thread's name, as Linux has it.
    static func threadName() -> String {
        ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func batchesAreMeasured() async throws {
        let service = try await Self.batchedService("loan", "{max_batch_rows: 4, max_delay_ms: 50, max_queue_rows: 100}", idleRuns: 0)
        let body = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#
        try await Support.app(service).test(.router) { client in
            async let a = client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                         body: Support.body(body)) { $0.status.code }
            async let b = client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                         body: Support.body(body)) { $0.status.code }
            async let c = client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                         body: Support.body(body)) { $0.status.code }
            async let d = client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                         body: Support.body(body)) { $0.status.code }
            let statuses = try await [a, b, c, d]
            #expect(statuses == [200, 200, 200, 200])
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(text.contains(#"augur_batch_rows_count{route="loan_status"} 4"#), "\(text.split(separator: "\n").filter { $0.contains("batch") })")
            #expect(text.contains(#"augur_batch_queue_wait_seconds_count{route="loan_status"} 4"#))
            // The four arrived together and filled one run of four.
            #expect(text.contains(#"augur_batch_rows_sum{route="loan_status"} 16"#))
        }
    }

    /// While a core is free a request starts at once: a lone request does not wait for the
    /// deadline.
    @Test func aLoneRequestDoesNotWait() async throws {
        let service = try await Self.batchedService("loan", "{max_batch_rows: 64, max_delay_ms: 2000, max_queue_rows: 1000}")
        let route = try #require(service.routes.first)
        let batcher = try #require(route.batcher)
        let rows = try route.pipeline.decode(body: ["ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"])
        let waited = try await ContinuousClock().measure { _ = try await batcher.predict(rows) }
        #expect(waited < .milliseconds(1000), "a lone request waited \(waited)")
    }

    @Test func settingsAreChecked() throws {
        let base = "models:\n  m: \(Support.examples.appendingPathComponent("loan/model.onnx").path)\nroutes:\n  r:\n    model: m\n    parameters: {x: {type: float}}\n"
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration(yaml: base + "    batching: {max_batch_rows: 0}\n", path: "/tmp/a.yaml") }
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration(yaml: base + "    batching: {max_batch_rows: 8, max_queue_rows: 4}\n", path: "/tmp/a.yaml") }
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration(yaml: base + "    batching: {max_wait: 3}\n", path: "/tmp/a.yaml") }
        let ok = try ServiceConfiguration(yaml: base + "    batching: {max_batch_rows: 32, max_delay_ms: 1.5}\n", path: "/tmp/a.yaml")
        #expect(ok.routes.first?.batching == BatchingSettings(maxBatchRows: 32, maxDelay: .microseconds(1500), maxQueueRows: 1024))
    }
}
