import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `IssueType` is the one catalogue of error codes: the README's error table must list exactly
/// its codes with their statuses, and every code a request can reach in-process must appear in
/// a golden error file (`errors.json`, `auth-errors.json`, and `catalogue-errors.json`, written
/// here from a route made to reach the codes the examples cannot).
@Suite struct ErrorCatalogueTests {
    /// Codes no in-process request reaches, and where they are tested instead.
    static let elsewhere: [IssueType: String] = [
        .requestTimeout: "scripts/connections/check.py (slow heads and bodies on a real socket)",
        .tooManyConnections: "scripts/connections/check.py (connections over max_connections)",
        .overloaded: "BatchingTests (a full batching queue needs requests waiting concurrently)",
        .inferenceFailed: "a model failing on validated inputs: a bug, not a request",
        .internalError: "an unexpected error: a bug, not a request",
        .notAcceptable: "EncoderTests (only with more than one encoder; `augur serve` has one)",
        .httpError: "a refusal of the HTTP layer other than 404, 405 and 413",
    ]

    static let yaml = """
        server:
          max_batch: 2
          max_body_bytes: 2048
        models:
          ohe: model.onnx
        routes:
          catalogue:
            model: ohe
            parameters:
              count: {type: float, min: 0}
              size: {type: int, exclusive_min: 0, max: 5}
              ratio: {type: float, exclusive_max: 1, default: 0}
              code: {type: str, min_length: 2, max_length: 4, pattern: '^[a-z]+$', default: ab}
              flag: {type: bool, default: false}
              name: {type: str, default: x}
            features:
              - count * 1e30
              - size
        """

    static let good = #""count": 0, "size": 1"#
    static let requests: [(name: String, method: HTTPRequest.Method, uri: String, headers: HTTPFields, body: String?)] = [
        ("payload_too_large", .post, "/catalogue", [.contentType: "application/json"], "{\(good), \"name\": \"\(String(repeating: "x", count: 3000))\"}"),
        ("too_long", .post, "/catalogue", [.contentType: "application/json"], "[{\(good)}, {\(good)}, {\(good)}]"),
        ("value_error", .get, "/catalogue?count=inf&size=1", [:], nil),
        ("query_parsing", .get, "/catalogue?count=1&size=abc&flag=maybe", [:], nil),
        ("types", .post, "/catalogue", [.contentType: "application/json"], #"{"count": 1, "size": "2", "flag": 1, "name": 5}"#),
        ("bounds", .post, "/catalogue", [.contentType: "application/json"], #"{"count": 1, "size": 0, "ratio": 1}"#),
        ("upper_bound", .post, "/catalogue", [.contentType: "application/json"], #"{"count": 1, "size": 6}"#),
        ("strings", .post, "/catalogue", [.contentType: "application/json"], #"[{"count": 1, "size": 1, "code": "a"}, {"count": 1, "size": 1, "code": "abcdef"}]"#),
        ("pattern", .post, "/catalogue", [.contentType: "application/json"], #"{"count": 1, "size": 1, "code": "AB"}"#),
        ("feature_invalid", .post, "/catalogue", [.contentType: "application/json"], #"{"count": 1e10, "size": 1}"#),
        ("unsupported_media_type", .post, "/catalogue", [.contentType: "text/plain"], "x"),
        ("explanation_unavailable", .post, "/catalogue/explain", [.contentType: "application/json"], "{\(good)}"),
    ]

    static func service() async throws -> Service {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Support.root.appendingPathComponent("Tests/Fixtures/one_hot_encoder_int64/model.onnx"),
                                         to: folder.appendingPathComponent("model.onnx"))
        return try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: folder.path))
    }

    @Test func catalogueErrorsMatchGoldenFile() async throws {
        try await ErrorGoldenTests.check(Support.app(try await Self.service()), Self.requests, against: "catalogue-errors.json")
    }

    /// Every `type` in a golden error body, with the status it came with.
    static func goldenCodes() throws -> [String: Set<Int>] {
        var found: [String: Set<Int>] = [:]
        func walk(_ value: JSONValue, status: Int?) {
            switch value {
            case .object(let object):
                let status = object["status"]?.double.map { Int($0) } ?? status
                if case .string(let type)? = object["type"], object["loc"] != nil, let status { found[type, default: []].insert(status) }
                for member in object.members { walk(member.value, status: status) }
            case .array(let items): items.forEach { walk($0, status: status) }
            default: break
            }
        }
        for name in ["errors.json", "auth-errors.json", "catalogue-errors.json"] {
            walk(try JSONParser().parse(Data(contentsOf: OpenAPITests.golden.appendingPathComponent(name))), status: nil)
        }
        return found
    }

    @Test func everyCodeARequestReachesIsGoldenTested() throws {
        let found = try Self.goldenCodes()
        for code in IssueType.allCases where code.isOwnShape && Self.elsewhere[code] == nil {
            #expect(found[code.rawValue] != nil, "no golden error body has type '\(code.rawValue)'")
        }
        for (type, statuses) in found {
            let code = try #require(IssueType(rawValue: type), "'\(type)' is not in IssueType")
            #expect(statuses.isSubset(of: Set(code.statuses)), "'\(type)' answered with \(statuses.sorted()), the catalogue says \(code.statuses)")
            #expect(Self.elsewhere[code] == nil, "'\(type)' is golden-tested; drop it from `elsewhere`")
        }
    }

    /// The README's table under **Errors**: `| status | codes | when |`, statuses as numbers
    /// (`408, 503`) or `any`.
    @Test func readmeTableListsTheCatalogue() throws {
        let readme = try String(contentsOf: Support.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "| status | `type` | when |"))
        var listed: [String: Set<Int>] = [:]
        for line in readme[start.upperBound...].split(separator: "\n").dropFirst() {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let statuses = cells[1] == "any" ? [] : cells[1].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            for code in cells[2].split(separator: ",") {
                let name = code.trimmingCharacters(in: CharacterSet(charactersIn: " `"))
                #expect(listed[name] == nil || listed[name] == Set(statuses), "'\(name)' is listed with two statuses")
                listed[name, default: []].formUnion(statuses)
            }
        }
        let catalogue = Dictionary(uniqueKeysWithValues: IssueType.allCases.filter(\.isOwnShape).map { ($0.rawValue, Set($0.statuses)) })
        #expect(listed == catalogue, "README error table: missing \(catalogue.keys.filter { listed[$0] == nil }.sorted()), unknown \(listed.keys.filter { catalogue[$0] == nil }.sorted()), statuses differ for \(catalogue.keys.filter { listed[$0] != nil && listed[$0] != catalogue[$0] }.sorted())")
    }
}
