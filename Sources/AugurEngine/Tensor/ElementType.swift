/// The element types a tensor can hold.
public enum ElementType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int64, int32, bool, string

    public var description: String { rawValue }

    /// True for float32 and float64.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// True for every numeric type (floats and integers, not bool or string).
    public var isNumeric: Bool { self != .bool && self != .string }
}
