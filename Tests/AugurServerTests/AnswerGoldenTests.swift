import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The exact bytes (status, Content-Type, model headers, body) of every answer in
/// Golden/answers.json: every example's documented requests with batches, `instances`, an
/// empty batch and a GET, and routes for every output kind (threshold, repeated labels,
/// ZipMap on and off, string labels, multi-output and rounded regressions, float32 and
/// float64 values). Recorded from a real server by scripts/record_answers.py.
@Suite struct AnswerGoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let folder: String
        let requests: [JSONValue]
        var testDescription: String { name }
    }

    static func cases() throws -> [Case] {
        let file = Support.root.appendingPathComponent("Tests/AugurServerTests/Golden/answers.json")
        guard case .array(let cases)? = try JSONParser().parse(Data(contentsOf: file))["cases"] else { return [] }
        return try cases.map { item in
            let name = item["name"]?.string ?? "?"
            if let example = item["example"]?.string {
                return Case(name: name, folder: Support.examples.appendingPathComponent(example).path, requests: item["requests"]?.arrayValue ?? [])
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-golden-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try (item["yaml"]?.string ?? "").write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
            if case .object(let models)? = item["models"] {
                for member in models.members {
                    try FileManager.default.copyItem(
                        at: Support.root.appendingPathComponent("Tests/Fixtures/\(member.value.string ?? "")/model.onnx"),
                        to: folder.appendingPathComponent(member.key))
                }
            }
            return Case(name: name, folder: folder.path, requests: item["requests"]?.arrayValue ?? [])
        }
    }

    @Test(arguments: try cases())
    func sameBytes(_ c: Case) async throws {
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: c.folder))
        #expect(!c.requests.isEmpty)
        try await Support.app(service).test(.router) { client in
            for request in c.requests {
                let method: HTTPRequest.Method = request["method"]?.string == "GET" ? .get : .post
                let body = request["body"]?.string.map { ByteBuffer(string: $0) }
                let headers: HTTPFields = body == nil ? [:] : [.contentType: "application/json"]
                try await client.execute(uri: request["path"]?.string ?? "/", method: method, headers: headers, body: body) { response in
                    let what = "\(c.name): \(request["method"]?.string ?? "") \(request["path"]?.string ?? "") \(request["body"]?.string ?? "")"
                    #expect(String(buffer: response.body) == request["response"]?.string, "\(what)")
                    #expect(response.status.code == Int(request["status"]?.double ?? 0), "\(what)")
                    #expect(response.headers[.contentType] == request["content_type"]?.string, "\(what)")
                    #expect(response.headers[HTTPField.Name("X-Model-Name")!] == request["model_name"]?.string, "\(what)")
                    #expect(response.headers[HTTPField.Name("X-Model-Version")!] == request["model_version"]?.string, "\(what)")
                }
            }
        }
    }
}

extension JSONValue {
    fileprivate var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
