import AugurEngine
import AugurONNX
import Foundation
import Testing

/// onnx's own operator test cases (made by `scripts/onnx_node_tests.py DIR`, run with
/// `AUGUR_ONNX_NODE_TESTS=DIR`): every case whose operators Augur implements must pass,
/// except those listed with a reason in `onnx-node-known-failures.txt`.
@Suite struct ONNXNodeTests {
    static let directory = ProcessInfo.processInfo.environment["AUGUR_ONNX_NODE_TESTS"]

    static let knownFailures: [String: String] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("onnx-node-known-failures.txt")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var entries: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "#", maxSplits: 1)
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { entries[name] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "" }
        }
        return entries
    }()

    enum Outcome { case passed, unsupported, failed(String) }

    static func outcome(_ fixture: Fixture) -> Outcome {
        do {
            let model = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: fixture.model.path)))
            let outputs = try model.plan.run(try fixture.inputs())
            for (name, reference) in try fixture.expected() {
                guard let actual = outputs[name] else { return .failed("output '\(name)' missing") }
                let problems = differences(actual, reference, relative: 1e-4, absolute: 1e-5)
                if !problems.isEmpty { return .failed("output '\(name)': \(problems.joined(separator: "; "))") }
            }
            return .passed
        } catch let error as EngineError where error.code == .unsupportedOperator {
            return .unsupported
        } catch {
            return .failed("\(error)")
        }
    }

    @Test(.enabled(if: directory != nil, "set AUGUR_ONNX_NODE_TESTS to run onnx's operator tests"))
    func supportedCasesPass() throws {
        let cases = Fixture.all(in: URL(fileURLWithPath: Self.directory ?? "/nonexistent"))
        #expect(cases.count > 100, "no onnx node test cases found in \(Self.directory ?? "")")
        var passed = 0, unsupported = 0, known = 0
        var failures: [String] = []
        for fixture in cases {
            switch Self.outcome(fixture) {
            case .passed: passed += 1
            case .unsupported: unsupported += 1
            case .failed(let why):
                if Self.knownFailures[fixture.name] != nil { known += 1 } else { failures.append("\(fixture.name): \(why)") }
            }
        }
        let summary = "onnx node tests: \(passed) passed, \(failures.count) failed, \(known) known failures, \(unsupported) unsupported operators, \(cases.count) cases"
        print(summary)
        if let out = ProcessInfo.processInfo.environment["AUGUR_ONNX_NODE_SUMMARY"] {
            try? (summary + "\n" + failures.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
        #expect(failures.isEmpty, "\(failures.count) supported cases failed:\n\(failures.prefix(40).joined(separator: "\n"))")
    }
}
