/// A JSON number: its Double value and, when the literal was an integer that fits, the exact Int64.
///
/// `-0` keeps its sign as the Double `-0.0` and has no integer. Numbers made from a `Float`
/// remember it, so they serialise with Float's shortest digits (`0.7847`, not `0.784700095…`).
public struct JSONNumber: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The value as a Double (rounded when the literal had more precision).
    public let double: Double
    /// The exact value when the literal was an integer within Int64.
    public let int64: Int64?
    /// Whether the value came from a Float32 (serialisation only).
    let isFloat32: Bool

    public init(_ value: Double) {
        double = value
        int64 = nil
        isFloat32 = false
    }

    public init(_ value: Int64) {
        double = Double(value)
        int64 = value
        isFloat32 = false
    }

    public init(_ value: Float) {
        double = Double(value)
        int64 = nil
        isFloat32 = true
    }

    init(double: Double, int64: Int64?) {
        self.double = double
        self.int64 = int64
        isFloat32 = false
    }

    /// True when the value is a whole number (an integer literal, or a Double with no fraction).
    public var isIntegral: Bool { int64 != nil || (double.isFinite && double.rounded(.towardZero) == double) }

    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        if let x = a.int64, let y = b.int64 { return x == y }
        return a.double == b.double
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(double) }

    /// The JSON text of this number; `null` when it is not finite.
    public var description: String {
        if let int64 { return String(int64) }
        guard double.isFinite else { return "null" }
        if isFloat32 { return Float(double).description }
        return double.description
    }
}
