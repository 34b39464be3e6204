@testable import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The access log's pieces: W3C trace context parsing and propagation, and the line handler's
/// text and JSON lines (read back through a pipe).
@Suite struct LoggingTests {
    @Test func traceparentIsContinuedWhenValid() {
        let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let trace = TraceContext(traceparent: valid, tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736" && trace.parentID == "00f067aa0ba902b7" && trace.flags == "01")
        #expect(trace.state == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(trace.spanID.count == 16 && trace.spanID != "00f067aa0ba902b7")
        #expect(trace.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(trace.spanID)-01")
        // A later version may carry more after the flags.
        #expect(TraceContext.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds") != nil)
    }

    @Test(arguments: [
        "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
    ])
    func anInvalidTraceparentStartsANewTrace(_ header: String) {
        let trace = TraceContext(traceparent: header, tracestate: "rojo=1")
        #expect(trace.parentID == nil && trace.state == nil && trace.flags == "00")
        #expect(trace.traceID.count == 32 && trace.traceID.allSatisfy(\.isHexDigit) && trace.traceID != String(repeating: "0", count: 32))
    }

    @Test func newIDsAreUniqueHex() {
        let ids = (0..<10_000).map { _ in TraceContext.newID(bytes: 16) }
        #expect(Set(ids).count == ids.count && ids.allSatisfy { $0.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
    }

    @Test func responsesCarryTheTraceContext() async throws {
        let service = try await Support.service("loan")
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        try await Support.app(service).test(.router) { client in
            try await client.execute(uri: "/loan_status", method: .post,
                                     headers: [.contentType: "application/json", .traceparent: parent, .tracestate: "rojo=1"],
                                     body: Support.body(#"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#)) { response in
                let answered = try #require(response.headers[.traceparent])
                #expect(answered.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-") && answered.hasSuffix("-01") && answered != parent)
                #expect(response.headers[.tracestate] == "rojo=1")
            }
            // Errors too, and without a caller's trace a new one.
            try await client.execute(uri: "/nowhere", method: .get) { response in
                let answered = try #require(response.headers[.traceparent])
                #expect(response.status == .notFound && TraceContext.parse(answered) != nil)
            }
        }
    }

    /// Lines written by the handler, read back from a pipe.
    func lines(_ format: LogFormat, _ body: (Logger) -> Void) throws -> [String] {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        var logger = Logger(label: "augur") { LineLogHandler(label: $0, format: format, descriptor: fds[1]) }
        logger.logLevel = .info
        body(logger)
        close(fds[1])
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        close(fds[0])
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func jsonLinesAreJSONObjects() throws {
        let written = try lines(.json) { logger in
            logger.info("POST /loan_status 200 0.41ms", metadata: ["request_id": "abc", "status": .stringConvertible(200),
                                                              "duration_ms": .stringConvertible(0.41)])
            logger.warning("a \"quoted\" message\nwith a newline and a \u{01} control", metadata: ["path": "/a\\b"])
            logger.debug("not written below the level")
        }
        #expect(written.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(first["level"] as? String == "info" && first["logger"] as? String == "augur" && first["request_id"] as? String == "abc")
        #expect(first["status"] as? Int == 200 && first["duration_ms"] as? Double == 0.41 && first["msg"] as? String == "POST /loan_status 200 0.41ms")
        #expect((first["time"] as? String)?.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(written[1].utf8)) as? [String: Any])
        #expect(second["msg"] as? String == "a \"quoted\" message\nwith a newline and a \u{01} control" && second["path"] as? String == "/a\\b")
    }

    @Test func textLinesReadAsBefore() throws {
        let written = try lines(.text) { logger in
            logger.info("POST /loan_status 200 0.41ms", metadata: ["trace_id": "t", "request_id": "r"])
        }
        #expect(written.count == 1)
        #expect(written[0].wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info augur: POST \/loan_status 200 0\.41ms request_id=r trace_id=t/) != nil,
                "\(written)")
    }

    @Test func theFormatIsConfigured() throws {
        let loan = Support.examples.appendingPathComponent("loan/model.onnx").path
        let base = "models:\n  m: \(loan)\nroutes:\n  r: {model: m, parameters: {x: {type: float}}}\n"
        #expect(try ServiceConfiguration(yaml: "server: {log_format: json}\n" + base, path: "/tmp/augur.yaml").logFormat == .json)
        #expect(try ServiceConfiguration(yaml: base, path: "/tmp/augur.yaml").logFormat == .text)
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration(yaml: "server: {log_format: yaml}\n" + base, path: "/tmp/augur.yaml") }
    }

    @Test func theCollectorIsConfigured() throws {
        let loan = Support.examples.appendingPathComponent("loan/model.onnx").path
        let base = "models:\n  m: \(loan)\nroutes:\n  r: {model: m, parameters: {x: {type: float}}}\n"
        #expect(try ServiceConfiguration(yaml: base, path: "/tmp/augur.yaml").otlpEndpoint == nil)
        #expect(try ServiceConfiguration(yaml: "server: {otlp_endpoint: 'http://collector:4318/'}\n" + base, path: "/tmp/augur.yaml").otlpEndpoint
                == "http://collector:4318")
        for good in ["http://127.0.0.1:4318", "https://otel.example.com", "http://[::1]:4318", "https://collector/otlp"] {
            #expect(ServiceConfiguration.otlpEndpoint(good) == good, "\(good)")
        }
        for bad in ["127.0.0.1:4318", "ftp://collector", "http://", "http://:4318", "http://collector:0", "http://collector:99999",
                    "http://user:secret@collector", "http://collector?x=1", "http://collector#a", "http://col lector"] {
            #expect(ServiceConfiguration.otlpEndpoint(bad) == nil, "\(bad)")
        }
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration(yaml: "server: {otlp_endpoint: 'grpc://x'}\n" + base, path: "/tmp/augur.yaml") }
    }
}
