import AugurEngine
import Foundation

/// Attribute access the tree builders share: optional lists read as empty, length checks
/// that name both attributes, and the tensor forms opset 5 uses.
extension NodeContext {
    /// An int list, or `[]` when absent.
    func int64List(_ name: String) throws -> [Int64] { try int64s(name) ?? [] }

    /// Checks that `name` has `count` entries, like the attribute `reference` does.
    func expectCount(_ name: String, _ values: some Collection, _ count: Int, like reference: String) throws {
        try expectCount(name, entries: values.count, count, like: reference)
    }

    /// Checks that `name`, which has `entries` entries, has `count`, like `reference` does.
    func expectCount(_ name: String, entries: Int, _ count: Int, like reference: String) throws {
        guard entries == count else {
            throw error(name, "has \(entries) entries but '\(reference)' has \(count); they must be equal.")
        }
    }

    /// For each entry of the strings attribute `name`, its index in `names`, matched on the
    /// raw bytes (no String is made); `[]` when the attribute is absent. Nil when an entry is
    /// not one of `names` or the attribute is not a strings attribute: `strings(name)` then
    /// gives the names, or the error.
    func stringCodes(_ name: String, _ names: [String]) -> [Int]? {
        guard let attribute = node.attribute.first(where: { $0.name == name }) else { return [] }
        guard !attribute.hasType || attribute.type == .undefined || attribute.type == .strings else { return nil }
        let table = names.map { Array($0.utf8) }
        func matches(_ name: [UInt8], _ raw: UnsafeRawBufferPointer) -> Bool {
            guard name.count == raw.count else { return false }
            return name.withUnsafeBytes { bytes in
                guard let a = bytes.baseAddress, let b = raw.baseAddress else { return raw.isEmpty }
                return memcmp(a, b, raw.count) == 0
            }
        }
        var codes: [Int] = []
        codes.reserveCapacity(attribute.strings.count)
        var last = 0
        for entry in attribute.strings {
            // Runs of the same name are common (leaves, `<=` branches): try the last one first.
            let code = entry.withUnsafeBytes { raw in
                matches(table[last], raw) ? last : table.firstIndex { matches($0, raw) }
            }
            guard let code else { return nil }
            codes.append(code)
            last = code
        }
        return codes
    }

    /// Whether `NAME_as_tensor` holds float64 values (the double-precision form).
    func usesFloat64Tensor(_ name: String) throws -> Bool {
        try tensor(name + "_as_tensor")?.elementType == .float64
    }

    /// A double list given as `NAME` (floats) or `NAME_as_tensor`, refusing both at once.
    func exclusiveDoubles(_ name: String) throws -> [Double] {
        if has(name), has(name + "_as_tensor") {
            throw error(name, "is given both as '\(name)' and '\(name)_as_tensor'; use one.")
        }
        return try doubles(name) ?? []
    }

    /// A float32 or float64 tensor attribute as doubles, with its element type.
    func floatingTensor(_ name: String) throws -> (values: [Double], type: ElementType)? {
        guard let tensor = try tensor(name) else { return nil }
        switch tensor.storage {
        case .float32(let v): return (v.map(Double.init), .float32)
        case .float64(let v): return (v, .float64)
        default: throw error(name, "must be a float or double tensor, not \(tensor.elementType).")
        }
    }

    /// A uint8 tensor attribute (the opset-5 `nodes_modes`), which the engine has no tensor
    /// type for; it is read straight from the proto.
    func uint8Tensor(_ name: String) throws -> [UInt8]? {
        guard let attribute = node.attribute.first(where: { $0.name == name }) else { return nil }
        guard attribute.type == .tensor || attribute.type == .undefined, attribute.hasT else {
            throw error(name, "must be a uint8 tensor.")
        }
        let proto = attribute.t
        guard proto.dataType == Int32(Onnx_TensorProto.DataType.uint8.rawValue) else {
            throw error(name, "must be a uint8 tensor, not \(TensorDecoder.typeName(proto.dataType)).")
        }
        guard proto.dataLocation != .external, proto.externalData.isEmpty else {
            throw error(name, "keeps its data in an external file, which is not supported.")
        }
        guard let count = TensorLimits.elementCount(proto.dims.map { Int(clamping: $0) }) else {
            throw error(name, "has invalid dimensions \(proto.dims) (negative, or more than \(TensorLimits.maxElements) elements).")
        }
        let values: [UInt8]
        if proto.hasRawData {
            values = [UInt8](proto.rawData)
        } else {
            values = try proto.int32Data.map { raw in
                guard let byte = UInt8(exactly: raw) else { throw error(name, "value '\(raw)' does not fit uint8.") }
                return byte
            }
        }
        guard values.count == count else {
            throw error(name, "declares \(count) elements but holds \(values.count).")
        }
        return values
    }

    /// The `post_transform` string of opsets 1 and 3.
    func postTransformString() throws -> PostTransform {
        let name = try string("post_transform", default: "NONE")
        guard let transform = PostTransform(rawValue: name) else {
            throw error("post_transform", "'\(name)' is not one of NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT.")
        }
        return transform
    }
}

/// The opset-5 `post_transform` codes as the ONNX specification numbers them: 0 NONE,
/// 1 SOFTMAX, 2 LOGISTIC, 3 SOFTMAX_ZERO, 4 PROBIT.
///
/// onnxruntime 1.23 reads codes 1 and 2 the other way round (it converts them with its own
/// enum, where LOGISTIC is 1); Augur follows the specification.
func treePostTransform(code: Int) -> PostTransform? {
    switch code {
    case 0: PostTransform.none
    case 1: .softmax
    case 2: .logistic
    case 3: .softmaxZero
    case 4: .probit
    default: nil
    }
}
