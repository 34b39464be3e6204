import AugurEngine

/// Tensor datatypes of the Open Inference Protocol (v2), with their element sizes.
public enum V2Datatype: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", fp32 = "FP32", fp64 = "FP64"
    case bytes = "BYTES"

    /// Bytes per element in binary form; nil for BYTES (each element length-prefixed).
    public var width: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    public var isSigned: Bool { [.int8, .int16, .int32, .int64].contains(self) }
    public var isUnsigned: Bool { [.uint8, .uint16, .uint32, .uint64].contains(self) }

    /// The integer range of an integer datatype.
    public var integerRange: ClosedRange<Double>? {
        switch self {
        case .int8: -128...127
        case .int16: -32768...32767
        case .int32: -2147483648...2147483647
        case .int64: -9.223372036854775808e18...9.223372036854775807e18
        case .uint8: 0...255
        case .uint16: 0...65535
        case .uint32: 0...4294967295
        case .uint64: 0...18446744073709549568.0  // the largest double below 2^64
        default: nil
        }
    }
}

/// The elements of a tensor, row-major, in the widest Swift type of their kind.
public enum V2Contents: Sendable, Equatable {
    case bools([Bool])
    /// INT8 … INT64.
    case integers([Int64])
    /// UINT8 … UINT64.
    case unsigned([UInt64])
    case floats([Float])
    case doubles([Double])
    /// BYTES: each element's bytes (UTF-8 text for strings).
    case bytes([[UInt8]])

    public var count: Int {
        switch self {
        case .bools(let v): v.count
        case .integers(let v): v.count
        case .unsigned(let v): v.count
        case .floats(let v): v.count
        case .doubles(let v): v.count
        case .bytes(let v): v.count
        }
    }
}

/// A request or response parameter value.
public enum V2Parameter: Sendable, Equatable {
    case bool(Bool)
    case int64(Int64)
    case double(Double)
    case string(String)

    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int64: Int64? {
        switch self {
        case .int64(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 9e18: Int64(d)
        default: nil
        }
    }
}

/// One named tensor of a request or a response.
public struct V2Tensor: Sendable, Equatable {
    public var name: String
    public var datatype: V2Datatype
    public var shape: [Int]
    public var contents: V2Contents
    public var parameters: [String: V2Parameter]

    public init(name: String, datatype: V2Datatype, shape: [Int], contents: V2Contents, parameters: [String: V2Parameter] = [:]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.contents = contents
        self.parameters = parameters
    }

    /// Throws unless the shape is within the caps and the contents hold exactly its
    /// elements in the datatype's kind.
    public func check() throws(V2Error) {
        guard shape.count <= V2Limits.maxRank, let count = Self.elementCount(shape) else {
            throw .invalid("Input '\(name)' has shape \(shape); dimensions must be non-negative, at most \(V2Limits.maxRank) of them, and \(V2Limits.maxElements) elements in all.")
        }
        guard count == contents.count else {
            throw .invalid("Input '\(name)' has shape \(shape) (\(count) element\(count == 1 ? "" : "s")) but \(contents.count) value\(contents.count == 1 ? "" : "s").")
        }
        let fits: Bool = switch (datatype, contents) {
        case (.bool, .bools), (.bytes, .bytes), (.fp32, .floats), (.fp64, .doubles): true
        case (_, .integers): datatype.isSigned
        case (_, .unsigned): datatype.isUnsigned
        default: false
        }
        guard fits else { throw .invalid("Input '\(name)': its values do not match datatype \(datatype.rawValue).") }
    }

    /// The element count of `shape` (`TensorLimits.elementCount`): at most `V2Limits.maxRank`
    /// non-negative dims whose product is at most `V2Limits.maxElements`; nil otherwise.
    public static func elementCount(_ shape: [Int]) -> Int? {
        guard shape.count <= V2Limits.maxRank else { return nil }
        return TensorLimits.product(shape, cap: V2Limits.maxElements)
    }
}

/// Caps on sizes that come from requests: the engine's (`TensorLimits`).
public enum V2Limits {
    /// Elements in one tensor.
    public static let maxElements = TensorLimits.maxElements
    /// Dimensions of one tensor.
    public static let maxRank = TensorLimits.maxRank
}
