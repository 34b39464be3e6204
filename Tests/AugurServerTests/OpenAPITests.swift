import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// /openapi.json of every example, and of the loan example with `server.auth` (`loan.auth`):
/// valid OpenAPI 3.1 (openapi-spec-validator) and equal to its golden file
/// (`AUGUR_UPDATE_GOLDEN=1 swift test --filter OpenAPITests` rewrites them).
@Suite struct OpenAPITests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let validator = Support.root.appendingPathComponent(".venv/bin/openapi-spec-validator")

    /// Every example's document, and `loan.auth`: the loan example with `server.auth` on.
    static let documents = Support.exampleNames + ["loan.auth"]

    func document(_ example: String) async throws -> [UInt8] {
        if example == "loan.auth" { return try await Self.fetch(try await AuthTests.app()) }
        return try await Self.fetch(Support.app(try await Support.service(example)))
    }

    static func fetch(_ app: some ApplicationProtocol) async throws -> [UInt8] {
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                return Array(response.body.readableBytesView)
            }
        }
    }

    @Test(arguments: documents)
    func matchesGoldenFile(_ example: String) async throws {
        let bytes = try await document(example)
        let pretty = try Self.pretty(bytes)
        let file = Self.golden.appendingPathComponent("\(example).openapi.json")
        if ProcessInfo.processInfo.environment["AUGUR_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try pretty.write(to: file)
        }
        let expected = try Data(contentsOf: file)
        #expect(pretty == expected, "\(file.lastPathComponent) differs; rerun with AUGUR_UPDATE_GOLDEN=1 and review the diff")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: validator.path), "needs .venv (scripts/setup-venv.sh)"),
          arguments: documents)
    func isValidOpenAPI(_ example: String) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("augur-openapi-\(example)-\(UUID().uuidString).json")
        try Data(try await document(example)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = Self.validator
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
    }

    static func pretty(_ bytes: [UInt8]) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8)
    }
}
