import AugurEngine
import Foundation
import Testing
@testable import AugurONNX

/// The category analysis runs at every model load (and hot reload): sizes a model file declares
/// must not make it allocate without a cap.
@Suite struct InputCategoriesTests {
    @Test func hugeDeclaredWidthsAreNotFollowed() throws {
        var graph = Onnx_GraphProto()
        var input = Onnx_ValueInfoProto()
        input.name = "city"
        input.type.tensorType.elemType = 8
        var n = Onnx_TensorShapeProto.Dimension(), one = Onnx_TensorShapeProto.Dimension()
        n.dimParam = "N"
        one.dimValue = 1
        input.type.tensorType.shape.dim = [n, one]
        graph.input = [input]
        var concat = Onnx_NodeProto()
        concat.opType = "Concat"
        concat.input = ["city", "empty"]
        concat.output = ["wide"]
        var axis = Onnx_AttributeProto()
        axis.name = "axis"
        axis.type = .int
        axis.i = 1
        concat.attribute = [axis]
        var encoder = Onnx_NodeProto()
        encoder.opType = "OneHotEncoder"
        encoder.domain = "ai.onnx.ml"
        encoder.input = ["city"]
        encoder.output = ["hot"]
        var cats = Onnx_AttributeProto()
        cats.name = "cats_strings"
        cats.type = .strings
        cats.strings = [Array("Porto".utf8), Array("Braga".utf8)].map { Data($0) }
        encoder.attribute = [cats]
        graph.node = [concat, encoder]
        // Zero elements, so the decoder accepts it, but 2^40 columns wide.
        let empty = try Tensor(shape: [0, 1 << 40], storage: .float32([]))
        let found = InputCategories(graph, constants: ["empty": .tensor(empty)])
        #expect(found["city", 0] == .init(values: .strings(["Porto", "Braga"]), imputed: false))
        #expect(found.columns.count == 1)
    }
}
