import AugurEngine
import AugurONNX
import Foundation
import SwiftProtobuf

/// Structure-aware mutation of ONNX models: decodes a `ModelProto`, changes one to three of the
/// fields a loader must distrust (tensor dimensions, data lengths, element types, attribute
/// numbers and lists, node input/output names, tree node ids, declared shapes, opsets, op
/// types, node order) and re-encodes it, so most mutants still parse and reach the importer's
/// size, id and graph checks instead of dying in the protobuf decoder.
enum ModelMutator {
    /// Sizes and ids at the edges: overflow points, the engine's caps and their neighbours.
    static let integers: [Int64] = [
        0, 1, -1, 2, 3, 7, 16, 17, 255, 256, 65_536, (1 << 28) - 1, 1 << 28, (1 << 28) + 1, 1 << 29,
        Int64(Int32.max), Int64(Int32.max) + 1, 1 << 32, 1 << 40, (1 << 61) + 1, 1 << 62, .max, .max - 1, .min, .min + 1,
    ]
    static let floats: [Float] = [
        0, -0.0, 1, -1, 0.5, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .leastNonzeroMagnitude, 1e30, -1e30, 2_147_483_648, 4_294_967_296,
    ]
    static let opTypes = [
        "Identity", "Reshape", "Expand", "Tile", "ConstantOfShape", "Range", "Concat", "Flatten", "Gather", "Slice",
        "Transpose", "MatMul", "Gemm", "TopK", "Unsqueeze", "Squeeze", "Cast", "ReduceSum", "Softmax", "Where",
        "FeatureVectorizer", "OneHotEncoder", "ArrayFeatureExtractor", "TreeEnsembleClassifier", "TreeEnsembleRegressor",
        "TreeEnsemble", "LinearClassifier", "Scaler", "ZipMap", "LabelEncoder", "CategoryMapper", "Normalizer",
    ]

    /// The mutant of `data`, or nil when it does not decode as a model or re-encodes past `maxSize`.
    static func mutate(_ data: Data, seed: UInt64, maxSize: Int) -> Data? {
        guard var model = try? Onnx_ModelProto(serializedBytes: data), model.hasGraph else { return nil }
        var random = SplitMix64(seed: seed)
        for _ in 0...random.below(3) { mutateOnce(&model, &random) }
        guard let out = try? model.serializedData(), out.count <= maxSize else { return nil }
        return out
    }

    static func mutateOnce(_ model: inout Onnx_ModelProto, _ r: inout SplitMix64) {
        switch r.below(8) {
        case 0, 1:
            if !model.graph.initializer.isEmpty {
                let i = r.below(model.graph.initializer.count)
                mutate(tensor: &model.graph.initializer[i], &r)
            } else {
                mutateAttribute(&model.graph, &r)
            }
        case 2, 3: mutateAttribute(&model.graph, &r)
        case 4: mutateNames(&model.graph, &r)
        case 5: mutateDeclaredShape(&model.graph, &r)
        case 6: mutateOpset(&model, &r)
        default: mutateNodes(&model.graph, &r)
        }
    }

    static func integer(near value: Int64, _ r: inout SplitMix64) -> Int64 {
        switch r.below(4) {
        case 0: value &+ 1
        case 1: value &- 1
        case 2: value &* 2
        default: r.pick(integers)
        }
    }

    static func mutate(tensor t: inout Onnx_TensorProto, _ r: inout SplitMix64) {
        switch r.below(7) {
        case 0, 1:
            if t.dims.isEmpty { t.dims = [r.pick(integers)] } else {
                let d = r.below(t.dims.count)
                t.dims[d] = integer(near: t.dims[d], &r)
            }
        case 2:
            if r.chance(2) || t.dims.isEmpty { t.dims.insert(r.pick(integers), at: r.below(t.dims.count + 1)) }
            else { t.dims.remove(at: r.below(t.dims.count)) }
        case 3:
            // The data no longer matches the dims: a few bytes or elements more or fewer.
            if t.hasRawData {
                let change = r.below(9) - 4
                t.rawData = change < 0 ? t.rawData.dropLast(-change) : t.rawData + Data(repeating: 0xFF, count: change)
            } else if !t.floatData.isEmpty { if r.chance(2) { t.floatData.removeLast() } else { t.floatData.append(r.pick(floats)) } }
            else if !t.int64Data.isEmpty { if r.chance(2) { t.int64Data.removeLast() } else { t.int64Data.append(r.pick(integers)) } }
            else { t.rawData = Data(repeating: 0, count: r.below(17)) }
        case 4: t.dataType = Int32(r.below(25))
        case 5:
            // One element of the data set to an edge value.
            if !t.floatData.isEmpty { t.floatData[r.below(t.floatData.count)] = r.pick(floats) }
            else if !t.int64Data.isEmpty { t.int64Data[r.below(t.int64Data.count)] = r.pick(integers) }
            else if t.rawData.count >= 8 {
                var bytes = [UInt8](t.rawData)
                let at = r.below(bytes.count - 7)
                withUnsafeBytes(of: r.pick(integers).littleEndian) { bytes.replaceSubrange(at..<(at + 8), with: $0) }
                t.rawData = Data(bytes)
            }
        default:
            if r.chance(2) { t.rawData = Data() } else { t.dataLocation = .external }
        }
    }

    static func mutateAttribute(_ g: inout Onnx_GraphProto, _ r: inout SplitMix64) {
        let withAttributes = g.node.indices.filter { !g.node[$0].attribute.isEmpty }
        guard !withAttributes.isEmpty else { return }
        let n = r.pick(withAttributes)
        let a = r.below(g.node[n].attribute.count)
        var attribute = g.node[n].attribute[a]
        switch attribute.type {
        case .int: attribute.i = integer(near: attribute.i, &r)
        case .float: attribute.f = r.pick(floats)
        case .ints: mutateList(&attribute.ints, &r) { value, r in integer(near: value, &r) }
        case .floats: mutateList(&attribute.floats, &r) { _, r in r.pick(floats) }
        case .strings: mutateList(&attribute.strings, &r) { value, r in r.chance(2) ? Data() : value + Data([0xC3]) }
        case .string: attribute.s = r.chance(2) ? Data("nonsense".utf8) : Data()
        case .tensor: mutate(tensor: &attribute.t, &r)
        default: break
        }
        if r.chance(16) { attribute.type = Onnx_AttributeProto.AttributeType(rawValue: r.below(15)) ?? .undefined }
        if r.chance(16) { g.node[n].attribute.append(attribute) } else { g.node[n].attribute[a] = attribute }
    }

    /// Changes one element, appends, removes or duplicates: lists of ids, weights, labels.
    static func mutateList<T>(_ list: inout [T], _ r: inout SplitMix64, _ change: (T, inout SplitMix64) -> T) {
        guard !list.isEmpty else { return }
        switch r.below(5) {
        case 0: list.remove(at: r.below(list.count))
        case 1: list.append(list[r.below(list.count)])
        case 2: list = Array(list.prefix(r.below(list.count)))
        default:
            let i = r.below(list.count)
            list[i] = change(list[i], &r)
        }
    }

    static func mutateNames(_ g: inout Onnx_GraphProto, _ r: inout SplitMix64) {
        guard !g.node.isEmpty else { return }
        let names = g.node.flatMap { $0.input + $0.output } + g.initializer.map(\.name) + g.input.map(\.name) + ["", "missing"]
        let n = r.below(g.node.count)
        if r.chance(2), !g.node[n].input.isEmpty {
            g.node[n].input[r.below(g.node[n].input.count)] = r.pick(names)   // dangling, cycles, self-loops
        } else if !g.node[n].output.isEmpty {
            g.node[n].output[r.below(g.node[n].output.count)] = r.pick(names)  // duplicate producers
        } else if r.chance(2) {
            g.node[n].input.append(r.pick(names))
        }
        if r.chance(8), !g.output.isEmpty { g.output[r.below(g.output.count)].name = r.pick(names) }
    }

    static func mutateDeclaredShape(_ g: inout Onnx_GraphProto, _ r: inout SplitMix64) {
        let useInput = r.chance(2) && !g.input.isEmpty
        guard useInput || !g.output.isEmpty else { return }
        let i = r.below(useInput ? g.input.count : g.output.count)
        var info = useInput ? g.input[i] : g.output[i]
        guard case .tensorType(var tensor)? = info.type.value else { return }
        var dims = tensor.shape.dim
        if dims.isEmpty || r.chance(3) {
            var dim = Onnx_TensorShapeProto.Dimension()
            dim.dimValue = r.pick(integers)
            dims.insert(dim, at: r.below(dims.count + 1))
        } else {
            dims[r.below(dims.count)].dimValue = r.pick(integers)
        }
        tensor.shape.dim = dims
        if r.chance(8) { tensor.elemType = Int32(r.below(25)) }
        info.type.value = .tensorType(tensor)
        if useInput { g.input[i] = info } else { g.output[i] = info }
    }

    static func mutateOpset(_ model: inout Onnx_ModelProto, _ r: inout SplitMix64) {
        guard !model.opsetImport.isEmpty else { return }
        let i = r.below(model.opsetImport.count)
        model.opsetImport[i].version = r.chance(2) ? Int64(r.below(26)) : r.pick(integers)
        if r.chance(8) { model.opsetImport.append(model.opsetImport[i]) }
        if r.chance(8) { model.irVersion = r.pick(integers) }
    }

    static func mutateNodes(_ g: inout Onnx_GraphProto, _ r: inout SplitMix64) {
        guard !g.node.isEmpty else { return }
        let n = r.below(g.node.count)
        switch r.below(4) {
        case 0: g.node[n].opType = r.pick(opTypes)
        case 1: g.node.remove(at: n)
        case 2: g.node.append(g.node[n])
        default: g.node.swapAt(n, r.below(g.node.count))
        }
    }
}
