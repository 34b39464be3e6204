import AugurEngine
import Foundation
import Testing
@testable import AugurONNX

/// The hostile model files of Tests/HostileModels (scripts/make_hostile_models.py): each one
/// crashed the loader (or the first request) before sizes went through `TensorLimits`.
@Suite struct HostileModelTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("HostileModels")

    /// What loading each file must say; nil: it loads (an empty Range is legal).
    static let expected: [String: String?] = [
        "raw_data_overflow_double": "tensor 'hostile' declares shape [2305843009213693953], more than 268435456 elements.",
        "raw_data_overflow_int64": "tensor 'hostile' declares shape [4611686018427387904], more than 268435456 elements.",
        "zero_dim_overflow": "tensor 'hostile' declares shape [0, 1099511627776, 1099511627776, 1099511627776], more than 268435456 elements.",
        "range_negative_infinite": nil,
        "range_huge_negative": nil,
        "feature_vectorizer_huge": "node 'hostile' (FeatureVectorizer): the input dimensions add up to more than 268435456 features.",
        "concat_static_overflow": "the inputs' sizes along axis 1 add up to more than 268435456.",
        "expand_over_cap": "node 'hostile' (Expand): cannot compute constant: a tensor of shape [536870912] would exceed 268435456 elements.",
        "constant_of_shape_over_cap": "node 'hostile' (ConstantOfShape): cannot compute constant: a tensor of shape [1048576, 1048576, 1048576] would exceed 268435456 elements.",
        "declared_dims_overflow": "'X' declares shape [?, 4294967296, 4294967296], more than 268435456 elements per row.",
    ]

    @Test func everyFileIsListed() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(5)) }
        #expect(Set(names) == Set(Self.expected.keys))
    }

    @Test(arguments: expected.keys.sorted())
    func isRefusedOrLoadsSafely(_ name: String) throws {
        let path = Self.folder.appendingPathComponent("\(name).onnx").path
        let message = Self.expected[name] ?? nil
        do {
            let model = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(message == nil, "\(name) loaded; expected '\(message ?? "")'")
            let row = try Tensor(float32: [5849, 0, 128, 360], shape: [1, 4])
            #expect(try model.plan.run(["input": .tensor(row)]).count == 2)
        } catch let error as EngineError {
            #expect(message.map { error.description.hasSuffix($0) } ?? false, "\(name): \(error)")
        }
    }

    /// The caps the messages above (and the README) quote.
    @Test func theCapsTheMessagesQuote() {
        #expect(TensorLimits.maxElements == 268_435_456)
        #expect(TensorLimits.maxRank == 16)
    }
}
