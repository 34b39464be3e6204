/// The numeric element types the core kernels are generic over (float32, float64, int64, int32).
///
/// Integer arithmetic wraps on overflow (as onnxruntime's C++ does in practice) instead of
/// trapping; conversions from floating point follow x86's truncating conversion, which gives
/// the smallest integer for NaN and out-of-range values.
protocol CoreNumber: Comparable, Sendable {
    static var elementType: ElementType { get }
    static var zero: Self { get }
    static var one: Self { get }
    /// The identity of max: -infinity for floats, the smallest value for integers.
    static var lowest: Self { get }
    /// The identity of min: +infinity for floats, the largest value for integers.
    static var highest: Self { get }
    static var isInteger: Bool { get }

    static func storage(_ values: [Self]) -> TensorStorage
    static func values(_ storage: TensorStorage) -> [Self]?

    static func plus(_ a: Self, _ b: Self) -> Self
    static func minus(_ a: Self, _ b: Self) -> Self
    static func times(_ a: Self, _ b: Self) -> Self
    /// Division; integer callers check for zero divisors first.
    static func over(_ a: Self, _ b: Self) -> Self
    func negated() -> Self
    var isNaNValue: Bool { get }
    var asDouble: Double { get }
    /// Integers exactly (int64) or widened; floats by truncating conversion.
    var asInt64: Int64 { get }
    init(converting value: Double)
    init(convertingInteger value: Int64)
}

extension CoreNumber {
    var absoluteValue: Self { self < Self.zero ? negated() : self }
}

/// Truncating conversion with x86 semantics: NaN and out-of-range values give `T.min`.
@inline(__always)
func truncatingConversion<T: FixedWidthInteger>(_ value: Double, to: T.Type) -> T {
    guard value.isFinite, value > Double(T.min) - 1, value < -Double(T.min) else { return T.min }
    return T(value.rounded(.towardZero))
}

extension Float: CoreNumber {
    static var elementType: ElementType { .float32 }
    static var lowest: Float { -.infinity }
    static var one: Float { 1 }
    static var highest: Float { .infinity }
    static var isInteger: Bool { false }
    static func storage(_ values: [Float]) -> TensorStorage { .float32(values) }
    static func values(_ storage: TensorStorage) -> [Float]? {
        if case .float32(let v) = storage { return v }
        return nil
    }
    @inline(__always) static func plus(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func minus(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func times(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func over(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) func negated() -> Float { -self }
    var isNaNValue: Bool { isNaN }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(converting: Double(self)) }
    init(converting value: Double) { self = Float(value) }
    init(convertingInteger value: Int64) { self = Float(value) }
}

extension Double: CoreNumber {
    static var elementType: ElementType { .float64 }
    static var lowest: Double { -.infinity }
    static var one: Double { 1 }
    static var highest: Double { .infinity }
    static var isInteger: Bool { false }
    static func storage(_ values: [Double]) -> TensorStorage { .float64(values) }
    static func values(_ storage: TensorStorage) -> [Double]? {
        if case .float64(let v) = storage { return v }
        return nil
    }
    @inline(__always) static func plus(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func minus(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) static func times(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) static func over(_ a: Double, _ b: Double) -> Double { a / b }
    @inline(__always) func negated() -> Double { -self }
    var isNaNValue: Bool { isNaN }
    var asDouble: Double { self }
    var asInt64: Int64 { Int64(converting: self) }
    init(converting value: Double) { self = value }
    init(convertingInteger value: Int64) { self = Double(value) }
}

extension Int64: CoreNumber {
    static var elementType: ElementType { .int64 }
    static var lowest: Int64 { .min }
    static var one: Int64 { 1 }
    static var highest: Int64 { .max }
    static var isInteger: Bool { true }
    static func storage(_ values: [Int64]) -> TensorStorage { .int64(values) }
    static func values(_ storage: TensorStorage) -> [Int64]? {
        if case .int64(let v) = storage { return v }
        return nil
    }
    @inline(__always) static func plus(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) static func minus(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
    @inline(__always) static func times(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) static func over(_ a: Int64, _ b: Int64) -> Int64 {
        b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
    }
    @inline(__always) func negated() -> Int64 { 0 &- self }
    var isNaNValue: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { self }
    init(converting value: Double) { self = truncatingConversion(value, to: Int64.self) }
    init(convertingInteger value: Int64) { self = value }
}

extension Int32: CoreNumber {
    static var elementType: ElementType { .int32 }
    static var lowest: Int32 { .min }
    static var one: Int32 { 1 }
    static var highest: Int32 { .max }
    static var isInteger: Bool { true }
    static func storage(_ values: [Int32]) -> TensorStorage { .int32(values) }
    static func values(_ storage: TensorStorage) -> [Int32]? {
        if case .int32(let v) = storage { return v }
        return nil
    }
    @inline(__always) static func plus(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
    @inline(__always) static func minus(_ a: Int32, _ b: Int32) -> Int32 { a &- b }
    @inline(__always) static func times(_ a: Int32, _ b: Int32) -> Int32 { a &* b }
    @inline(__always) static func over(_ a: Int32, _ b: Int32) -> Int32 {
        b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
    }
    @inline(__always) func negated() -> Int32 { 0 &- self }
    var isNaNValue: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(self) }
    init(converting value: Double) { self = truncatingConversion(value, to: Int32.self) }
    init(convertingInteger value: Int64) { self = Int32(truncatingIfNeeded: value) }
}
