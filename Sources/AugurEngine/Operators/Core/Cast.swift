/// Cast (to a fixed element type) and CastLike (to the type of a second input).
///
/// Numeric conversions follow C++ `static_cast` on x86 as onnxruntime does: floats to
/// integers truncate, with NaN and out-of-range values giving the smallest integer; int64 to
/// int32 wraps. Floats become strings as `%.8g` (`NaN`, `INF`, `-INF`); strings are parsed
/// like `std::stod` / `std::stoll` (a valid prefix suffices).
public struct Cast: Operator {
    /// The target type; nil for CastLike, which reads it from input 1.
    public let target: ElementType?

    public init(to target: ElementType?) { self.target = target }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try TypeRules.input(inputs, 0, Set(ElementType.allCases))
        let to = try target ?? TypeRules.input(inputs, 1, Set(ElementType.allCases), role: "target_type").elementType
        return [.tensor(TensorType(to, shape: x.shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let to = try target ?? tensor(inputs, 1).elementType
        return [.tensor(Tensor(unchecked: x.shape, try Cast.convert(x.storage, to: to)))]
    }

    static func convert(_ storage: TensorStorage, to type: ElementType) throws -> TensorStorage {
        if storage.elementType == type { return storage }
        switch storage {
        case .float32(let v): return try numeric(v, to: type)
        case .float64(let v): return try numeric(v, to: type)
        case .int64(let v): return try numeric(v, to: type)
        case .int32(let v): return try numeric(v, to: type)
        case .bool(let v): return try numeric(v.map { Int32($0 ? 1 : 0) }, to: type)
        case .string(let v): return try fromStrings(v, to: type)
        }
    }

    private static func numeric<T: CoreNumber>(_ v: [T], to type: ElementType) throws -> TensorStorage {
        switch type {
        case .float32: return .float32(T.isInteger ? v.map { Float($0.asInt64) } : v.map { Float($0.asDouble) })
        case .float64: return .float64(T.isInteger ? v.map { Double($0.asInt64) } : v.map(\.asDouble))
        case .int64: return .int64(v.map(\.asInt64))
        case .int32: return .int32(T.isInteger ? v.map { Int32(truncatingIfNeeded: $0.asInt64) } : v.map { Int32(converting: $0.asDouble) })
        case .bool: return .bool(v.map { $0 != T.zero })
        case .string: return .string(v.map(text))
        }
    }

    private static func text<T: CoreNumber>(_ value: T) -> String {
        if T.isInteger { return String(value.asInt64) }
        let d = value.asDouble
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "INF" : "-INF" }
        return CFormat.g8(d)
    }

    private static func fromStrings(_ v: [String], to type: ElementType) throws -> TensorStorage {
        switch type {
        case .float32: return .float32(try v.map { Float(try CFormat.parseDouble($0)) })
        case .float64: return .float64(try v.map { try CFormat.parseDouble($0) })
        case .int64: return .int64(try v.map { try CFormat.parseInteger($0) })
        case .int32: return .int32(try v.map { Int32(truncatingIfNeeded: try CFormat.parseInteger($0)) })
        case .bool: return .bool(try v.map { try CFormat.parseUnsigned($0) != 0 })
        case .string: return .string(v)
        }
    }
}
