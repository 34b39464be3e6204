import AugurServer
import AugurService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The standard protocols in-process: V2 REST's JSON and binary forms against the own route's
/// answer, hostile tensors (sizes, lengths, shapes that come from the request), and each
/// protocol's own error shape. The real clients are in scripts/protocols/.
@Suite struct ProtocolTests {
    static let row = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#

    static func v2JSON(income: String = "5849") -> String {
        #"{"id":"r1","inputs":[{"name":"ApplicantIncome","shape":[1],"datatype":"FP64","data":[\#(income)]},{"name":"LoanAmount","shape":[1,1],"datatype":"FP32","data":[[128]]},{"name":"Credit_History","shape":[1],"datatype":"INT32","data":[1]},{"name":"Property_Area","shape":[1],"datatype":"BYTES","data":["Urban"]}]}"#
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: [UInt8], headers: HTTPFields = [:]) async throws -> (Int, HTTPFields, [UInt8]) {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
            (Int($0.status.code), $0.headers, Array($0.body.readableBytesView))
        }
    }

    @Test func v2JSONInferAnswersAsTheRoute() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            let own = try Support.json(try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                                                body: ByteBuffer(string: Self.row)) { $0.body })
            let (status, headers, body) = try await post(client, "/v2/models/loan_status/infer", Array(Self.v2JSON().utf8))
            #expect(status == 200 && headers[.contentType] == "application/json")
            let answer = try JSONParser().parse(body)
            #expect(answer["id"] == "r1" && answer["model_name"] == "loan_status")
            guard case .array(let outputs)? = answer["outputs"] else { Issue.record("no outputs"); return }
            func data(_ name: String) -> JSONValue? { outputs.first { $0["name"] == .string(name) }?["data"] }
            #expect(data("label") == [own["prediction"] ?? .null])
            #expect(data("class") == [own["class"] ?? .null])
            #expect(data("probability") == [own["probability"] ?? .null])
            #expect(data("classes") == ["Not approved", "Approved"])
        }
    }

    @Test func v2BinaryTensorsInAndOut() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            func le<T: FixedWidthInteger>(_ x: T) -> [UInt8] { withUnsafeBytes(of: x.littleEndian) { Array($0) } }
            let header = #"{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}],"outputs":[{"name":"output_label","parameters":{"binary_data":true}},{"name":"output_probability","parameters":{"binary_data":false}}]}"#
            let floats: [Float] = [5849, 128, 1, 2, 4941, 120, 0, 1]
            let body = Array(header.utf8) + floats.flatMap { le($0.bitPattern) }
            let (status, headers, answer) = try await post(client, "/v2/models/loan/infer", body,
                                                           headers: [HTTPField.Name("Inference-Header-Content-Length")!: String(header.utf8.count)])
            #expect(status == 200, "\(String(decoding: answer, as: UTF8.self))")
            let length = try #require(headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap { Int($0) })
            let json = try JSONParser().parse(answer[0..<length])
            #expect(json["outputs"]?[0]?["parameters"]?["binary_data_size"] == 16)
            #expect(Array(answer[length...]) == le(Int64(1)) + le(Int64(0)))
            #expect(json["outputs"]?[1]?["shape"] == [2, 2])
        }
    }

    /// Sizes, lengths and shapes from the request never trap and never allocate past a cap.
    @Test(arguments: [
        (#"{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}]}"#, [UInt8](repeating: 0, count: 31), "bytes of binary data"),
        (#"{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":9223372036854775807}}]}"#, [], "claims"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}"#, [UInt8](repeating: 0, count: 20), "follow the header"),
        (#"{"inputs":[{"name":"input","shape":[4611686018427387904,4],"datatype":"FP32","data":[]}]}"#, [], "sizes are whole numbers"),
        (#"{"inputs":[{"name":"input","shape":[65536,65536,65536],"datatype":"FP32","data":[]}]}"#, [], "elements"),
        (#"{"inputs":[{"name":"input","shape":[-1,4],"datatype":"FP32","data":[]}]}"#, [], "sizes are whole numbers"),
        (#"{"inputs":[{"name":"input","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"datatype":"FP32","data":[1]}]}"#, [], "at most 16"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP16","data":[1,2,3,4]}]}"#, [], "FP16"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3]}]}"#, [], "but 3 values"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,"2",3,4]}]}"#, [], "not a FP32 value"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"INT8","data":[1,2,3,400]}]}"#, [], "not a INT8 value"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}"#, [], "datatype FP64"),
        (#"{"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#, [], "shape [1, 3]"),
        (#"{"inputs":[{"name":"t","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":8}}]}"#, [255, 255, 255, 255, 0, 0, 0, 0], "claims 4294967295 bytes"),
        (#"{"inputs":[{"name":"t","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":6}}]}"#, [1, 0, 0, 0, 65, 0], "cut off"),
        (#"{"id":7,"inputs":[{"name":"ApplicantIncome","shape":[1],"datatype":"FP64","data":[1]}]}"#, [], "'id' must be a string"),
        (#"{"inputs":[]}"#, [], "'inputs' is empty"),
        (#"{"inputs":{}}"#, [], "needs 'inputs'"),
        (#"[1]"#, [], "JSON object"),
        (#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"nope"}]}"#, [], "no output 'nope'"),
    ] as [(String, [UInt8], String)])
    func hostileV2Requests(_ header: String, _ binary: [UInt8], _ expected: String) async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            var headers: HTTPFields = [:]
            if !binary.isEmpty || header.contains("binary_data_size") {
                headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(header.utf8.count)
            }
            let (status, _, body) = try await post(client, "/v2/models/loan/infer", Array(header.utf8) + binary, headers: headers)
            let message = try JSONParser().parse(body)["error"]?.string ?? ""
            #expect(status == 400, "\(message)")
            #expect(message.contains(expected), "\(message)")
            #expect(try await client.execute(uri: "/v2/health/live", method: .get) { $0.status } == .ok)
        }
    }

    @Test func v2ErrorsHaveTheProtocolsShape() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            let (unknown, _, body) = try await post(client, "/v2/models/nope/infer", Array(Self.v2JSON().utf8))
            #expect(unknown == 404 && String(decoding: body, as: UTF8.self).hasPrefix(#"{"error":"Model 'nope' is not served here"#))
            let version = try await client.execute(uri: "/v2/models/loan_status/versions/0/ready", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(version.0 == .notFound && version.1.contains("has no version '0'"))
            let (invalid, _, problems) = try await post(client, "/v2/models/loan_status/infer", Array(Self.v2JSON(income: "-5").utf8))
            #expect(invalid == 400)
            #expect(try JSONParser().parse(problems)["error"] == "row 0, 'ApplicantIncome': Input should be greater than or equal to 0 (got -5.0)")
            let raw = try await post(client, "/v2/models/loan/infer", [0, 1, 2], headers: [HTTPField.Name("Inference-Header-Content-Length")!: "0"])
            #expect(raw.0 == 400)
        }
    }

    @Test func mlflowInvocationsNeedsOneRoute() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-two-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Support.examples.appendingPathComponent("loan/model.onnx"), to: folder.appendingPathComponent("m.onnx"))
        let params = "{sepal: {type: float}, a: {type: float}, b: {type: float}, c: {type: float}}"
        try "routes:\n  one: {model: m.onnx, parameters: \(params)}\n  two: {model: m.onnx, parameters: \(params)}\n"
            .write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: folder.path))
        try await Support.app(service).test(.router) { client in
            let (status, _, body) = try await post(client, "/invocations", Array(#"{"inputs": []}"#.utf8), headers: [.contentType: "application/json"])
            #expect(status == 404 && String(decoding: body, as: UTF8.self).contains("server.invocations_route"))
        }
    }

    /// MLServer's `np` content type (one [N, P] matrix, columns in parameter order) and the
    /// default named columns (`pd`) give the same answer; a regressor answers `prediction`
    /// with its unit.
    @Test func v2ContentTypesAndRegressors() async throws {
        try await Support.app(try await Support.service("loan")).test(.router) { client in
            let np = #"{"parameters":{"content_type":"np"},"inputs":[{"name":"x","shape":[1,6],"datatype":"FP64","data":[5849,0,128,360,1,2]}]}"#
            // Property_Area is text: as numbers it fails validation, every problem listed.
            let (status, _, body) = try await post(client, "/v2/models/loan_status/infer", Array(np.utf8))
            #expect(status == 400 && String(decoding: body, as: UTF8.self).contains("'Property_Area'"))
            let pd = #"{"parameters":{"content_type":"pd"},"inputs":[{"name":"ApplicantIncome","shape":[1],"datatype":"FP64","data":[5849]},{"name":"LoanAmount","shape":[1],"datatype":"FP64","data":[128]},{"name":"Credit_History","shape":[1],"datatype":"INT64","data":[1]},{"name":"Property_Area","shape":[1],"datatype":"BYTES","parameters":{"content_type":"str"},"data":["Urban"]}]}"#
            let (ok, _, answer) = try await post(client, "/v2/models/loan_status/infer", Array(pd.utf8))
            #expect(ok == 200 && String(decoding: answer, as: UTF8.self).contains(#""data":["Approved"]"#))
        }
        try await Support.app(try await Support.service("house")).test(.router) { client in
            let np = #"{"inputs":[{"name":"m","shape":[2,3],"datatype":"FP32","parameters":{"content_type":"np"},"data":[1800,3,2,900,1,1]}]}"#
            let (status, _, body) = try await post(client, "/v2/models/house_price/infer", Array(np.utf8))
            #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
            let json = try JSONParser().parse(body)
            #expect(json["outputs"]?[0]?["name"] == "prediction" && json["outputs"]?[0]?["datatype"] == "FP64")
            #expect(json["outputs"]?[0]?["parameters"]?["unit"] == "USD")
            #expect(json["outputs"]?[0]?["data"]?[0] == 386218.94)
        }
    }
}
