import AugurEngine
@testable import AugurONNX
import Foundation
import Testing

/// The ai.onnx core operators against onnxruntime on edge cases (Tests/CoreFixtures, made by
/// scripts/make_core_fixtures.py), and their load-time checks.
@Suite struct CoreOperatorTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CoreFixtures")

    @Test(arguments: Fixture.all(in: directory))
    func matchesOnnxRuntime(_ fixture: Fixture) throws {
        let model = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: fixture.model.path)))
        let outputs = try model.plan.run(try fixture.inputs())
        for (name, reference) in try fixture.expected().sorted(by: { $0.key < $1.key }) {
            guard let actual = outputs[name] else {
                Issue.record("output '\(name)' missing")
                continue
            }
            let problems = differences(actual, reference)
            #expect(problems.isEmpty, "output '\(name)': \(problems.joined(separator: "; "))")
        }
    }

    @Test func fixturesArePresent() {
        #expect(Fixture.all(in: Self.directory).count >= 15, "run scripts/make_core_fixtures.py")
    }

    /// A one-node model with float inputs `x` (shape [2, 3]) and `y`, for load-error tests.
    static func load(_ node: Onnx_NodeProto, opset: Int64 = 13, inputs: [String] = ["x"]) throws -> ONNXModel {
        var graph = Onnx_GraphProto()
        graph.node = [node]
        graph.input = inputs.map { name in
            var info = Onnx_ValueInfoProto()
            info.name = name
            var type = Onnx_TypeProto()
            var tensor = Onnx_TypeProto.Tensor()
            tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            var shape = Onnx_TensorShapeProto()
            shape.dim = [Int64(2), 3].map { var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = $0; return d }
            tensor.shape = shape
            type.tensorType = tensor
            info.type = type
            return info
        }
        graph.output = node.output.map { var o = Onnx_ValueInfoProto(); o.name = $0; return o }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = graph
        return try ONNXImporter().load(model)
    }

    static func node(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "n"
        node.input = inputs
        node.output = ["out"]
        node.attribute = attributes
        return node
    }

    static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = value
        return a
    }

    static func loadError(_ body: () throws -> ONNXModel) -> EngineError? {
        do { _ = try body() } catch let error as EngineError { return error } catch { return nil }
        return nil
    }

    @Test func axisOutOfRangeIsALoadError() {
        let error = Self.loadError { try Self.load(Self.node("Softmax", ["x"], [Self.int("axis", 2)])) }
        #expect(error?.code == .invalidAttribute)
        #expect(error?.message.contains("'2'") == true)
    }

    @Test func castToUnknownTypeIsRejected() {
        let error = Self.loadError { try Self.load(Self.node("Cast", ["x"], [Self.int("to", 10)])) }
        #expect(error?.code == .unsupportedType)
        #expect(error?.message.contains("attribute 'to'") == true)
    }

    @Test func badFlagIsRejected() {
        let error = Self.loadError { try Self.load(Self.node("Gemm", ["x", "y"], [Self.int("transA", 2)]), inputs: ["x", "y"]) }
        #expect(error?.message == "attribute 'transA': '2' must be 0 or 1.")
    }

    @Test func incompatibleBroadcastIsALoadError() {
        // [2, 3] + [2, 3] is fine; MatMul [2, 3] x [2, 3] has mismatched inner dimensions.
        #expect(Self.loadError { try Self.load(Self.node("Add", ["x", "y"]), inputs: ["x", "y"]) } == nil)
        #expect(Self.loadError { try Self.load(Self.node("MatMul", ["x", "y"]), inputs: ["x", "y"]) }?.code == .typeMismatch)
    }

    @Test func typeMismatchIsALoadError() {
        let error = Self.loadError { try Self.load(Self.node("Not", ["x"])) }
        #expect(error?.code == .typeMismatch)
    }

    @Test func legacyAxesAttributeIsRefusedFromOpset13() {
        var axes = Onnx_AttributeProto()
        axes.name = "axes"
        axes.type = .ints
        axes.ints = [0]
        let error = Self.loadError { try Self.load(Self.node("ReduceSum", ["x"], [axes])) }
        #expect(error?.code == .invalidAttribute)
    }

    @Test func unsortedTopKIsUnsupported() {
        var node = Self.node("TopK", ["x"], [Self.int("k", 1), Self.int("sorted", 0)])
        node.output = ["v", "i"]
        let error = Self.loadError { try Self.load(node, opset: 9) }
        #expect(error?.code == .unsupportedFeature)
    }
}

/// Opsets 24 and 25 (ONNX 1.19, 1.20) changed the operators Augur implements only by adding
/// element types Augur does not load (float8e8m0, int2, uint2, bfloat16) and Cast's
/// `round_mode` for float8 targets: their models load; a newer opset is refused, not guessed.
@Suite struct NewerOpsetTests {
    @Test(arguments: [24, 25])
    func opsets24And25Load(_ opset: Int64) throws {
        let cast = CoreOperatorTests.node("Cast", ["x"], [CoreOperatorTests.int("to", 11)])
        let model = try CoreOperatorTests.load(cast, opset: opset)
        let out = try model.plan.run(["x": .tensor(try Tensor(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3]))])
        #expect(out["out"] == .tensor(try Tensor(float64: [1, 2, 3, 4, 5, 6], shape: [2, 3])))
        let flatten = CoreOperatorTests.node("Flatten", ["x"], [CoreOperatorTests.int("axis", 0)])
        #expect(try CoreOperatorTests.load(flatten, opset: opset).plan.run(["x": .tensor(try Tensor(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3]))])["out"]
                == .tensor(try Tensor(float32: [1, 2, 3, 4, 5, 6], shape: [1, 6])))
    }

    @Test func opset26IsRefused() {
        let identity = CoreOperatorTests.node("Identity", ["x"])
        #expect(throws: EngineError.self) { try CoreOperatorTests.load(identity, opset: 26) }
        #expect(OperatorRegistry.maxOpset[""] == 25)
    }
}

/// Scan's body is compiled into a plan of its own at load: a body that reads a value of the
/// enclosing graph, or an unsupported scan axis, is refused with a message; a running sum
/// over rows works (onnx's test_scan9_sum covers the rest).
@Suite struct ScanTests {
    /// A body: state `sum` [2] plus row `row` [2] → new state and a scan output (the new sum).
    static func body(extraInput: String? = nil) -> Onnx_GraphProto {
        func info(_ name: String) -> Onnx_ValueInfoProto {
            var v = Onnx_ValueInfoProto()
            v.name = name
            var type = Onnx_TypeProto()
            var tensor = Onnx_TypeProto.Tensor()
            tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            type.tensorType = tensor
            v.type = type
            return v
        }
        var add = CoreOperatorTests.node("Add", ["sum", extraInput ?? "row"])
        add.output = ["next"]
        var copy = CoreOperatorTests.node("Identity", ["next"])
        copy.output = ["out"]
        var graph = Onnx_GraphProto()
        graph.name = "body"
        graph.node = [add, copy]
        graph.input = [info("sum"), info("row")]
        graph.output = [info("next"), info("out")]
        return graph
    }

    static func scan(_ body: Onnx_GraphProto, extra: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = "body"
        attribute.type = .graph
        attribute.g = body
        var node = CoreOperatorTests.node("Scan", ["x", "y"], [attribute, CoreOperatorTests.int("num_scan_inputs", 1)] + extra)
        node.output = ["final", "sums"]
        return node
    }

    @Test func runningSumOverRows() throws {
        let model = try CoreOperatorTests.load(Self.scan(Self.body()), opset: 16, inputs: ["x", "y"])
        // State x [2, 3] (zeros); y's two rows [3] are added to it in turn (broadcast).
        let out = try model.plan.run(["x": .tensor(try Tensor(float32: [0, 0, 0, 0, 0, 0], shape: [2, 3])),
                                      "y": .tensor(try Tensor(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3]))])
        #expect(out["final"] == .tensor(try Tensor(float32: [5, 7, 9, 5, 7, 9], shape: [2, 3])))
        #expect(out["sums"] == .tensor(try Tensor(float32: [1, 2, 3, 1, 2, 3, 5, 7, 9, 5, 7, 9], shape: [2, 2, 3])))
    }

    @Test func aBodyReadingTheOuterGraphIsRefused() {
        #expect(throws: EngineError.self) { try CoreOperatorTests.load(Self.scan(Self.body(extraInput: "x")), opset: 16, inputs: ["x", "y"]) }
        let axis = Attr.ints("scan_input_axes", [1])
        #expect(throws: EngineError.self) { try CoreOperatorTests.load(Self.scan(Self.body(), extra: [axis]), opset: 16, inputs: ["x", "y"]) }
    }
}

extension ScanTests {
    /// skl2onnx's pairwise-distance body is recognised at load and run fused; the fused loop
    /// gives exactly what the general loop over the body gives.
    @Test func pairwiseDistancesRunFusedWithTheSameBits() throws {
        var body = Self.body()
        var sub = CoreOperatorTests.node("Sub", ["sum", "row"])
        sub.output = ["diff"]
        var reduce = CoreOperatorTests.node("ReduceSumSquare", ["diff"], [Attr.ints("axes", [1]), CoreOperatorTests.int("keepdims", 0)])
        reduce.output = ["reduced"]
        var keep = CoreOperatorTests.node("Identity", ["sum"])
        keep.output = ["next"]
        var copy = CoreOperatorTests.node("Identity", ["reduced"])
        copy.output = ["out"]
        body.node = [keep, sub, reduce, copy]
        let model = try CoreOperatorTests.load(Self.scan(body), opset: 13, inputs: ["x", "y"])
        let steps = model.plan.steps(running: Scan.self)
        #expect(steps.count == 1 && steps[0].op.squaredDistances, "the body was recognised")
        var general = try #require(steps.first).op
        general.squaredDistances = false
        var random = SplitMix(seed: 7)
        func values(_ n: Int) -> [Float] { (0..<n).map { _ in Float(Int(random.next() % 2001) - 1000) / 37 } }
        let x = Value.tensor(try Tensor(float32: values(6), shape: [2, 3]))
        let y = Value.tensor(try Tensor(float32: values(30), shape: [10, 3]))
        let fused = try steps[0].op.run([x, y]), slow = try general.run([x, y])
        #expect(fused == slow && fused.count == 2)
        if case .tensor(let d) = fused[1] { #expect(d.shape == [10, 2]) }
    }
}
