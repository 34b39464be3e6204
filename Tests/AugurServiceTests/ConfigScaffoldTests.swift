import AugurEngine
import AugurONNX
import Foundation
import Testing
@testable import AugurService

/// `augur init`'s scaffold serves as is: the generated YAML loads, and its example request
/// predicts.
@Suite struct ConfigScaffoldTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test(arguments: ["rf_classifier_binary_loan", "column_transformer_pipeline", "linear_regression_float", "rf_classifier_string_labels"])
    func scaffoldServesAsIs(_ name: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name).appendingPathComponent("model.onnx"), to: model)
        let signature = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: model.path))).signature
        let scaffold = ConfigScaffold(signature: signature, modelPath: "model.onnx", name: "model")
        let file = folder.appendingPathComponent("augur.yaml")
        try scaffold.yaml.write(to: file, atomically: true, encoding: .utf8)
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: file.path))
        let route = try #require(service.route(named: "predict"))
        let body = try JSONParser().parse(String(scaffold.curl().components(separatedBy: "-d '").last?.dropLast() ?? ""))
        let response = try route.answer(body: body)
        #expect(response["prediction"] != nil, "\(response)")
    }
}
