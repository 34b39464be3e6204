import AugurEngine
import Foundation

/// Converts ONNX tensors and types to engine values, checking every size against the data.
enum TensorDecoder {
    /// The engine element type of an ONNX `TensorProto.DataType` code, or nil when unsupported.
    static func elementType(_ code: Int32) -> ElementType? {
        switch Onnx_TensorProto.DataType(rawValue: Int(code)) {
        case .float: .float32
        case .double: .float64
        case .int64: .int64
        case .int32: .int32
        case .bool: .bool
        case .string: .string
        default: nil
        }
    }

    static func typeName(_ code: Int32) -> String {
        Onnx_TensorProto.DataType(rawValue: Int(code)).map { "\($0)" } ?? "type code \(code)"
    }

    static func tensor(from proto: Onnx_TensorProto) throws -> Tensor {
        let name = proto.name.isEmpty ? "tensor" : "tensor '\(proto.name)'"
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            throw EngineError(.unsupportedFeature,
                "\(name) keeps its data in an external file; Augur loads self-contained models only (save with all tensors inside the .onnx file).")
        }
        if proto.hasSegment {
            throw EngineError(.unsupportedFeature, "\(name) is a segment of a larger tensor; segments are not supported.")
        }
        guard let type = elementType(proto.dataType) else {
            throw EngineError(.unsupportedType, "\(name) has element type \(typeName(proto.dataType)); supported are float, double, int64, int32, bool and string.")
        }
        var shape: [Int] = []
        for dim in proto.dims {
            guard let d = Int(exactly: dim), d >= 0 else {
                throw EngineError(.invalidFile, "\(name) has invalid dimension '\(dim)'.")
            }
            shape.append(d)
        }
        guard shape.count <= TensorLimits.maxRank else {
            throw EngineError(.invalidFile, "\(name) has \(shape.count) dimensions; the limit is \(TensorLimits.maxRank).")
        }
        guard let count = TensorLimits.elementCount(shape) else {
            throw EngineError(.invalidFile, "\(name) declares shape \(shape), more than \(TensorLimits.maxElements) elements.")
        }
        let storage = try decodeStorage(proto, type: type, count: count, name: name)
        return try mapped(Tensor(shape: shape, storage: storage), name)
    }

    private static func mapped<T>(_ body: @autoclosure () throws -> T, _ name: String) throws -> T {
        do { return try body() } catch let e as EngineError {
            throw EngineError(.invalidFile, "\(name): \(e.message)")
        }
    }

    private static func decodeStorage(_ p: Onnx_TensorProto, type: ElementType, count: Int, name: String) throws -> TensorStorage {
        func check(_ found: Int) throws {
            guard found == count else {
                throw EngineError(.invalidFile, "\(name) declares \(count) elements but holds \(found).")
            }
        }
        let raw = p.hasRawData ? p.rawData : nil
        switch type {
        case .float32:
            if let raw { return .float32(try little(raw, count: count, name: name, as: UInt32.self).map { Float(bitPattern: $0) }) }
            try check(p.floatData.count); return .float32(p.floatData)
        case .float64:
            if let raw { return .float64(try little(raw, count: count, name: name, as: UInt64.self).map { Double(bitPattern: $0) }) }
            try check(p.doubleData.count); return .float64(p.doubleData)
        case .int64:
            if let raw { return .int64(try little(raw, count: count, name: name, as: UInt64.self).map { Int64(bitPattern: $0) }) }
            try check(p.int64Data.count); return .int64(p.int64Data)
        case .int32:
            if let raw { return .int32(try little(raw, count: count, name: name, as: UInt32.self).map { Int32(bitPattern: $0) }) }
            try check(p.int32Data.count); return .int32(p.int32Data)
        case .bool:
            if let raw { return .bool(try little(raw, count: count, name: name, as: UInt8.self).map { $0 != 0 }) }
            try check(p.int32Data.count); return .bool(p.int32Data.map { $0 != 0 })
        case .string:
            try check(p.stringData.count)
            return .string(try p.stringData.map { data in
                guard let s = String(validating: data, as: UTF8.self) else {
                    throw EngineError(.invalidFile, "\(name) holds a string that is not valid UTF-8.")
                }
                return s
            })
        }
    }

    /// Little-endian fixed-width values from raw bytes, after checking the byte count.
    private static func little<T: FixedWidthInteger>(_ data: Data, count: Int, name: String, as: T.Type) throws -> [T] {
        let width = MemoryLayout<T>.size
        guard let bytes = TensorLimits.byteCount(count, width: width) else {
            throw EngineError(.invalidFile, "\(name) declares \(count) elements, more than \(TensorLimits.maxElements).")
        }
        guard data.count == bytes else {
            throw EngineError(.invalidFile, "\(name) declares \(count) elements but its raw data holds \(data.count) bytes, not \(bytes).")
        }
        var values = [T](repeating: 0, count: count)
        values.withUnsafeMutableBytes { dest in
            data.withUnsafeBytes { src in dest.copyMemory(from: src) }
        }
        return T.self == UInt8.self ? values : values.map { T(littleEndian: $0) }
    }

    /// Refuses a declared shape of more than `TensorLimits.maxRank` dimensions, or whose
    /// known dimensions after the first (the batch) hold more than `TensorLimits.maxElements`
    /// elements per row: every reader of the signature may then multiply them unchecked.
    static func checkDeclared(_ dims: [Int?], name: String) throws {
        guard dims.count <= TensorLimits.maxRank else {
            throw EngineError(.invalidFile, "'\(name)' declares \(dims.count) dimensions; the limit is \(TensorLimits.maxRank).")
        }
        guard dims.allSatisfy({ ($0 ?? 0) <= TensorLimits.maxElements }),
              TensorLimits.product(dims.dropFirst().compactMap { $0 }) != nil else {
            throw EngineError(.invalidFile,
                "'\(name)' declares shape [\(dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", "))], more than \(TensorLimits.maxElements) elements per row.")
        }
    }

    /// The engine type of an ONNX value type: tensors, and sequences of maps (ZipMap).
    static func valueType(_ proto: Onnx_TypeProto, name: String) throws -> ValueType {
        switch proto.value {
        case .tensorType(let t):
            guard let element = elementType(t.elemType) else {
                throw EngineError(.unsupportedType, "'\(name)' has element type \(typeName(t.elemType)); supported are float, double, int64, int32, bool and string.")
            }
            guard t.hasShape else { return .tensor(TensorType(element)) }
            let dims: [Int?] = t.shape.dim.map { dim in
                if case .dimValue(let v) = dim.value, v >= 0, let d = Int(exactly: v) { return d }
                return nil
            }
            try checkDeclared(dims, name: name)
            return .tensor(TensorType(element, shape: dims))
        case .sequenceType(let s):
            if case .mapType(let m)? = s.elemType.value, let key = elementType(m.keyType),
               key == .int64 || key == .string,
               case .tensorType(let v)? = m.valueType.value, elementType(v.elemType) == .float32 {
                return .maps(key: key)
            }
            throw EngineError(.unsupportedType, "'\(name)' is a sequence of a kind Augur does not support (only sequences of maps from int64 or string to float).")
        default:
            throw EngineError(.unsupportedType, "'\(name)' is not a tensor or a sequence of maps.")
        }
    }
}
