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
        let loaded = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: model.path)))
        let scaffold = ConfigScaffold(signature: loaded.signature, modelPath: "model.onnx", name: "model", categories: loaded.inputCategories)
        let file = folder.appendingPathComponent("augur.yaml")
        try scaffold.yaml.write(to: file, atomically: true, encoding: .utf8)
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: file.path))
        let route = try #require(service.route(named: "predict"))
        let body = try JSONParser().parse(String(scaffold.curl().components(separatedBy: "-d '").last?.dropLast() ?? ""))
        let response = try route.answer(body: body)
        #expect(response["prediction"] != nil, "\(response)")
    }

    static func load(_ fixture: String) throws -> ONNXModel {
        try ONNXImporter().load(bytes: try Data(contentsOf: fixtures.appendingPathComponent(fixture).appendingPathComponent("model.onnx")))
    }

    /// The categories encoders state, followed from the inputs through skl2onnx's
    /// ColumnTransformer (Concat, ArrayFeatureExtractor, the string imputer's Where, Gather).
    @Test func categoriesComeFromTheEncoders() throws {
        let pipeline = try Self.load("column_transformer_pipeline").inputCategories
        #expect(pipeline["property_area", 0] == .init(values: .strings(["Rural", "Semiurban", "Urban"]), imputed: true))
        #expect(pipeline["education", 0] == .init(values: .strings(["Graduate", "Not Graduate"]), imputed: true))
        #expect(pipeline["applicant_income", 0] == nil)
        let mapper = try Self.load("category_mapper").inputCategories
        #expect(mapper["category", 0] == .init(values: .strings(["Rural", "Semiurban", "Urban"]), imputed: false))
        #expect(mapper["code_in", 0] == .init(values: .integers([10, 20, 30]), imputed: false))
        let labels = try Self.load("label_encoder_sklearn").inputCategories
        #expect(labels["input", 0] == .init(values: .strings(["Iris", "setosa", "versicolor", "virginica"]), imputed: false))
        // A plain forest states nothing.
        #expect(try Self.load("rf_classifier_binary_loan").inputCategories.columns.isEmpty)
    }

    /// With the training data: medians and frequent categories as examples, nullable where
    /// values were missing, observed ranges proposed in comments; enums from the encoders.
    @Test func trainingDataShapesTheParameters() throws {
        let model = try Self.load("column_transformer_pipeline")
        let csv = """
            applicant_income,loan_amount,loan_term,property_area,education
            5849,128,360,Urban,Graduate
            4583,,360,Rural,Graduate
            3000,66,360,Urban,Not Graduate
            2583,120,180,Urban,Not Graduate
            6000,141,360,Semiurban,Graduate

            """
        let reference = try TrainingStatistics.compute(csv: Data(csv.utf8), source: "train.csv")
        let yaml = ConfigScaffold(signature: model.signature, modelPath: "model.onnx", name: "loan", categories: model.inputCategories,
                                  reference: reference).yaml
        #expect(yaml.contains("applicant_income: {type: float, example: 4583.0}  # training data: min 2583.0, median 4583.0, max 6000.0; suggested bounds: min: 2583.0, max: 6000.0"))
        #expect(yaml.contains("loan_amount: {type: float, required: false, nullable: true, example: "), "\(yaml)")
        #expect(yaml.contains("1 missing"))
        #expect(yaml.contains("property_area: {type: enum, options: [Rural, Semiurban, Urban], required: false, nullable: true, example: Urban}"))
        #expect(yaml.contains("education: {type: enum, options: [Graduate, Not Graduate], required: false, nullable: true, example: Graduate}"))
    }
}
