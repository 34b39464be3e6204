import AugurEngine

/// The binary form of tensor contents (Triton's binary tensor extension, gRPC raw contents):
/// little-endian, row-major, no padding; BOOL one byte; each BYTES element a 4-byte
/// little-endian length and then its bytes.
extension V2Contents {
    /// Reads `count` elements of `datatype` from `bytes`, which must hold exactly them.
    public static func decode(_ bytes: ArraySlice<UInt8>, datatype: V2Datatype, count: Int, name: String) throws(V2Error) -> V2Contents {
        if datatype == .bytes { return try .bytes(decodeBytes(bytes, count: count, name: name)) }
        guard let width = datatype.width, datatype != .fp16 else { throw .invalid("Input '\(name)': datatype FP16 is not supported.") }
        let expected = TensorLimits.byteCount(count, width: width)
        guard let expected, expected == bytes.count else {
            throw .invalid("Input '\(name)' has \(bytes.count) bytes of data; its shape and datatype \(datatype.rawValue) need \(expected.map(String.init) ?? "more").")
        }
        return bytes.withUnsafeBytes { raw -> V2Contents in
            func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
                (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: T.self)) }
            }
            switch datatype {
            case .bool: return .bools((0..<count).map { raw[$0] != 0 })
            case .int8: return .integers(load(Int8.self).map(Int64.init))
            case .int16: return .integers(load(Int16.self).map(Int64.init))
            case .int32: return .integers(load(Int32.self).map(Int64.init))
            case .int64: return .integers(load(Int64.self))
            case .uint8: return .unsigned(load(UInt8.self).map(UInt64.init))
            case .uint16: return .unsigned(load(UInt16.self).map(UInt64.init))
            case .uint32: return .unsigned(load(UInt32.self).map(UInt64.init))
            case .uint64: return .unsigned(load(UInt64.self))
            case .fp32: return .floats(load(UInt32.self).map { Float(bitPattern: $0) })
            case .fp64: return .doubles(load(UInt64.self).map { Double(bitPattern: $0) })
            case .fp16, .bytes: return .bytes([])
            }
        }
    }

    private static func decodeBytes(_ bytes: ArraySlice<UInt8>, count: Int, name: String) throws(V2Error) -> [[UInt8]] {
        var elements: [[UInt8]] = []
        elements.reserveCapacity(Swift.min(count, bytes.count / 4))
        var i = bytes.startIndex
        while i < bytes.endIndex {
            guard bytes.endIndex - i >= 4 else { throw .invalid("Input '\(name)': a BYTES element's 4-byte length is cut off.") }
            let length = Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
            i += 4
            guard length <= bytes.endIndex - i else {
                throw .invalid("Input '\(name)': a BYTES element claims \(length) bytes; \(bytes.endIndex - i) remain.")
            }
            elements.append(Array(bytes[i..<(i + length)]))
            i += length
        }
        guard elements.count == count else {
            throw .invalid("Input '\(name)' holds \(elements.count) BYTES element\(elements.count == 1 ? "" : "s"); its shape needs \(count).")
        }
        return elements
    }

    /// The binary form of these contents as `datatype` (which the contents were made for).
    public func encoded(as datatype: V2Datatype) -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        switch self {
        case .bools(let v): out = v.map { $0 ? 1 : 0 }
        case .integers(let v):
            out.reserveCapacity(v.count * (datatype.width ?? 8))
            for x in v {
                switch datatype {
                case .int8: put(Int8(truncatingIfNeeded: x))
                case .int16: put(Int16(truncatingIfNeeded: x))
                case .int32: put(Int32(truncatingIfNeeded: x))
                default: put(x)
                }
            }
        case .unsigned(let v):
            for x in v {
                switch datatype {
                case .uint8: put(UInt8(truncatingIfNeeded: x))
                case .uint16: put(UInt16(truncatingIfNeeded: x))
                case .uint32: put(UInt32(truncatingIfNeeded: x))
                default: put(x)
                }
            }
        case .floats(let v):
            out.reserveCapacity(v.count * 4)
            for x in v { put(x.bitPattern) }
        case .doubles(let v):
            out.reserveCapacity(v.count * 8)
            for x in v { put(x.bitPattern) }
        case .bytes(let v):
            for element in v {
                put(UInt32(truncatingIfNeeded: element.count))
                out.append(contentsOf: element)
            }
        }
        return out
    }
}
