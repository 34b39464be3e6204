import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// Paths and helpers shared by the HTTP tests.
enum Support {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("examples")
    static let exampleNames = ["loan", "house", "energy", "pokemon", "pipeline", "loan-svm", "spam"]

    static func service(_ example: String) async throws -> Service {
        let path = examples.appendingPathComponent(example).appendingPathComponent("augur.yaml").path
        return try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: path))
    }

    static func app(_ service: Service, docsAssets: String? = nil) -> some ApplicationProtocol {
        var logger = Logger(label: "augur-test")
        logger.logLevel = .warning
        let server = AugurServer(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0, docsAssets: docsAssets))
        return Application(router: server.makeRouter(logger: logger), logger: logger)
    }

    static func json(_ buffer: ByteBuffer) throws -> JSONValue {
        guard buffer.readableBytes > 0 else { return .null }
        return try JSONParser().parse(Array(buffer.readableBytesView))
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// Every place where `actual` differs from the partial `expected` (numbers within 1e-6 relative).
    static func mismatches(_ actual: JSONValue?, _ expected: JSONValue, at path: String = "$") -> [String] {
        switch (actual, expected) {
        case (.object(let a)?, .object(let e)):
            return zip(e.keys, e.values).flatMap { key, value in mismatches(a[key], value, at: "\(path).\(key)") }
        case (.array(let a)?, .array(let e)):
            guard a.count == e.count else { return ["\(path): \(a.count) items, expected \(e.count)"] }
            return zip(a, e).enumerated().flatMap { i, pair in mismatches(pair.0, pair.1, at: "\(path)[\(i)]") }
        case (.number(let a)?, .number(let e)):
            return abs(a.double - e.double) <= 1e-6 * max(1, abs(e.double)) ? [] : ["\(path): \(a) vs expected \(e)"]
        default:
            return actual == expected ? [] : ["\(path): \(actual.map { "\($0)" } ?? "absent") vs expected \(expected)"]
        }
    }

    /// Runs the built `augur` binary (`.build/debug/augur`): exit status, stdout, stderr.
    static func runAugur(_ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = LiveServerTests.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
