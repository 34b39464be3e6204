import Foundation
import SwiftProtobuf
import Testing
@testable import AugurONNX

/// The hand-written model reader gives SwiftProtobuf's message, or gives up (nil) so that
/// SwiftProtobuf decodes the file.
@Suite struct ModelWireDecoderTests {
    /// Protobuf wire bytes, written by hand.
    enum Wire {
        static func varint(_ value: UInt64) -> [UInt8] {
            var value = value
            var out: [UInt8] = []
            while value >= 0x80 {
                out.append(UInt8(value & 0x7f) | 0x80)
                value >>= 7
            }
            return out + [UInt8(value)]
        }

        static func tag(_ field: Int, _ wire: UInt8) -> [UInt8] { varint(UInt64(field) << 3 | UInt64(wire)) }
        static func int(_ field: Int, _ value: Int64) -> [UInt8] { tag(field, 0) + varint(UInt64(bitPattern: value)) }
        static func bytes(_ field: Int, _ body: [UInt8]) -> [UInt8] { tag(field, 2) + varint(UInt64(body.count)) + body }
        static func string(_ field: Int, _ text: String) -> [UInt8] { bytes(field, Array(text.utf8)) }

        /// A model whose graph has one node with the given attribute bodies.
        static func model(attributes: [[UInt8]], extraModelFields: [UInt8] = []) -> Data {
            let node = string(4, "Identity") + attributes.flatMap { bytes(5, $0) }
            let graph = bytes(1, node) + string(2, "g")
            return Data(int(1, 8) + bytes(7, graph) + extraModelFields)
        }
    }

    static func swiftProtobuf(_ data: Data) throws -> Onnx_ModelProto { try Onnx_ModelProto(serializedBytes: data) }

    static var fixtureModels: [URL] {
        let tests = Fixture.root.deletingLastPathComponent()
        return ["Fixtures", "CoreFixtures"].flatMap { folder in
            Fixture.all(in: tests.appendingPathComponent(folder)).map(\.model)
        }
    }

    @Test func fixtureModelsDecodeAsSwiftProtobufDoes() throws {
        let models = Self.fixtureModels
        #expect(models.count >= 40)
        for url in models {
            let data = try Data(contentsOf: url)
            let fast = try #require(ModelWireDecoder.model(data), "\(url.path)")
            // Compared as bytes: NaN attributes make `==` false.
            let reference: Data = try Self.swiftProtobuf(data).serializedBytes()
            #expect(try fast.serializedBytes() == reference, "\(url.path)")
        }
    }

    @Test func swiftProtobufEncodedModelsRoundTrip() throws {
        var node = Onnx_NodeProto()
        node.opType = "TreeEnsembleRegressor"
        node.input = ["X"]
        node.output = ["Y"]
        node.attribute = [
            TreeLoadSupport.attribute("nodes_modes", .strings(["BRANCH_LEQ", "LEAF", "LEAF"])),
            TreeLoadSupport.attribute("nodes_values", .floats([0.5, -0, .infinity])),
            TreeLoadSupport.attribute("nodes_featureids", .ints([0, -3, Int64.min, Int64.max])),
            TreeLoadSupport.attribute("values_as_tensor", .doubles([1, 2])),
            TreeLoadSupport.attribute("s", .string("é")),
            TreeLoadSupport.attribute("f", .float(-1.5)),
            TreeLoadSupport.attribute("i", .int(-1)),
        ]
        var graph = Onnx_GraphProto()
        graph.node = [node, node]
        var model = Onnx_ModelProto()
        model.graph = graph
        model.producerName = "test"
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 3
        model.opsetImport = [opset]
        let data: Data = try model.serializedBytes()
        #expect(ModelWireDecoder.model(data) == model)
    }

    @Test func packedListsAreRead() throws {
        let ints: [Int64] = [0, 1, 300, -1, Int64.max]
        let floats: [Float] = [0.5, -2, .infinity, -0.0]
        let attribute = Wire.string(1, "a") + Wire.int(20, 7)
            + Wire.bytes(8, ints.flatMap { Wire.varint(UInt64(bitPattern: $0)) }) + Wire.int(8, 9)
            + Wire.bytes(7, floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let data = Wire.model(attributes: [attribute])
        let fast = try #require(ModelWireDecoder.model(data))
        #expect(fast.graph.node[0].attribute[0].ints == ints + [9])
        #expect(fast.graph.node[0].attribute[0].floats.map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(fast == (try Self.swiftProtobuf(data)))
    }

    @Test func repeatedGraphFieldsMerge() throws {
        let first = Wire.bytes(1, Wire.string(4, "Relu")) + Wire.string(2, "first")
        let second = Wire.bytes(1, Wire.string(4, "Abs")) + Wire.string(2, "second")
        let data = Data(Wire.bytes(7, first) + Wire.int(1, 7) + Wire.bytes(7, second))
        let fast = try #require(ModelWireDecoder.model(data))
        #expect(fast.graph.node.map(\.opType) == ["Relu", "Abs"])
        #expect(fast.graph.name == "second")
        #expect(fast == (try Self.swiftProtobuf(data)))
    }

    @Test func unknownFieldsAreSkipped() throws {
        let attribute = Wire.string(1, "a") + Wire.int(99, 5) + Wire.bytes(98, [1, 2, 3]) + Wire.tag(97, 5) + [0, 0, 0, 0]
        let data = Wire.model(attributes: [attribute], extraModelFields: Wire.tag(96, 1) + [UInt8](repeating: 7, count: 8))
        let fast = try #require(ModelWireDecoder.model(data))
        var reference = try Self.swiftProtobuf(data)
        reference.unknownFields = UnknownStorage()
        reference.graph.node[0].attribute[0].unknownFields = UnknownStorage()
        #expect(fast == reference)
    }

    /// Each of these is something SwiftProtobuf treats its own way (an unknown field, an
    /// error): the fast reader must give up rather than guess.
    @Test func unusualBytesFallBack() throws {
        let name = Wire.string(1, "a")
        let cases: [(String, Data)] = [
            ("name written as a varint", Wire.model(attributes: [Wire.int(1, 5)])),
            ("ints written as fixed32", Wire.model(attributes: [name + Wire.tag(8, 5) + [1, 0, 0, 0]])),
            ("ints written as fixed64", Wire.model(attributes: [name + Wire.tag(8, 1) + [1, 8, 1, 8, 1, 8, 1, 8]])),
            ("floats written as varints", Wire.model(attributes: [name + Wire.int(7, 1)])),
            ("a run of ints cut short", Wire.model(attributes: [name + Wire.int(8, 1) + Wire.tag(8, 0)])),
            ("a run of strings cut short", Wire.model(attributes: [name + Wire.string(9, "a") + Wire.tag(9, 2) + [5, 1]])),
            ("unknown attribute type", Wire.model(attributes: [name + Wire.int(20, 99)])),
            ("a group", Wire.model(attributes: [name + Wire.tag(50, 3) + Wire.tag(50, 4)])),
            ("invalid UTF-8", Wire.model(attributes: [Wire.bytes(1, [0xff, 0xfe])])),
            ("packed floats of 5 bytes", Wire.model(attributes: [name + Wire.bytes(7, [0, 0, 0, 0, 0])])),
            ("truncated", Wire.model(attributes: [name]).dropLast()),
            ("field number 0", Data(Wire.int(0, 1))),
            ("an 11-byte varint", Data(Wire.tag(1, 0) + [UInt8](repeating: 0x80, count: 10) + [1])),
        ]
        for (label, data) in cases {
            #expect(ModelWireDecoder.model(Data(data)) == nil, "\(label)")
        }
        // SwiftProtobuf reads the first ones, keeping the odd field as an unknown field.
        #expect((try? Self.swiftProtobuf(cases[0].1)) != nil)
        #expect((try? Self.swiftProtobuf(cases[2].1)) != nil)
    }

    /// Damaged copies of a fixture model: the fast reader gives up, or gives what SwiftProtobuf
    /// gives (unknown fields dropped on both sides).
    @Test(arguments: ["decision_tree_classifier", "column_transformer_pipeline"])
    func damagedModelsDecodeAsSwiftProtobufDoesOrFallBack(fixture: String) throws {
        let url = try #require(Self.fixtureModels.first { $0.path.contains("/\(fixture)/") })
        let original = [UInt8](try Data(contentsOf: url))
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        var random = Mix(state: 7)
        var accepted = 0
        for round in 0..<1500 {
            var bytes = original
            for _ in 0...(round % 3) {
                let at = Int(random.next() % UInt64(bytes.count))
                bytes[at] = round % 2 == 0 ? UInt8(truncatingIfNeeded: random.next()) : bytes[at] ^ (1 << (random.next() % 8))
            }
            if round % 5 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
            let data = Data(bytes)
            let reference = try? Onnx_ModelProto(serializedBytes: data, options: options)
            guard let fast = ModelWireDecoder.model(data) else { continue }
            accepted += 1
            let expected: Data? = try reference?.serializedBytes()
            #expect(expected == (try fast.serializedBytes()), "round \(round)")
        }
        #expect(accepted > 100)
    }

    @Test func depthLimitMatchesSwiftProtobuf() throws {
        // Graphs nested through attributes: model > graph > (node > attribute > graph)*.
        func nested(_ levels: Int) -> Data {
            var graph = Wire.string(2, "leaf")
            for _ in 0..<levels {
                let attribute = Wire.string(1, "body") + Wire.bytes(6, graph)
                graph = Wire.bytes(1, Wire.string(4, "If") + Wire.bytes(5, attribute))
            }
            return Data(Wire.bytes(7, graph))
        }
        for levels in 30...36 {
            let data = nested(levels)
            let reference = try? Self.swiftProtobuf(data)
            let fast = ModelWireDecoder.model(data)
            if let reference {
                #expect(fast == reference, "\(levels) levels")
            } else {
                #expect(fast == nil, "\(levels) levels")
            }
        }
        #expect((try? Self.swiftProtobuf(nested(30))) != nil)
        #expect((try? Self.swiftProtobuf(nested(36))) == nil)
    }
}

/// A small deterministic generator (SplitMix64).
private struct Mix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
