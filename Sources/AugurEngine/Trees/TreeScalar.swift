/// The floating-point types that tree thresholds, leaf weights and scores use: Float and Double.
///
/// A forest stores its values in one scalar type and compares and accumulates in another of
/// equal or greater precision (float thresholds with a float64 input compare in Double, as
/// onnxruntime does), so the kernels are generic over both.
public protocol TreeScalar: BinaryFloatingPoint, Sendable {
    /// The tensor element type of this scalar.
    static var elementType: ElementType { get }
    /// This value as a Float (rounded to nearest when Self is Double).
    var float: Float { get }
    /// This value as a Double (always exact).
    var double: Double { get }
    /// Converts from another tree scalar: exact when widening, rounded when narrowing.
    init<Source: TreeScalar>(tree value: Source)
    /// A value whose bits hold `index` (leaf and set references inside compiled nodes).
    init(indexBits index: Int)
    /// The index stored by `init(indexBits:)`.
    var indexBits: Int { get }
    /// Tensor storage holding `values`.
    static func storage(_ values: [Self]) -> TensorStorage
}

extension Float: TreeScalar {
    public static var elementType: ElementType { .float32 }
    @inline(__always) public var float: Float { self }
    @inline(__always) public var double: Double { Double(self) }
    @inline(__always) public init<Source: TreeScalar>(tree value: Source) { self = value.float }
    @inline(__always) public init(indexBits index: Int) { self.init(bitPattern: UInt32(truncatingIfNeeded: index)) }
    @inline(__always) public var indexBits: Int { Int(bitPattern) }
    public static func storage(_ values: [Float]) -> TensorStorage { .float32(values) }
}

extension Double: TreeScalar {
    public static var elementType: ElementType { .float64 }
    @inline(__always) public var float: Float { Float(self) }
    @inline(__always) public var double: Double { self }
    @inline(__always) public init<Source: TreeScalar>(tree value: Source) { self = value.double }
    @inline(__always) public init(indexBits index: Int) { self.init(bitPattern: UInt64(truncatingIfNeeded: index)) }
    @inline(__always) public var indexBits: Int { Int(truncatingIfNeeded: bitPattern) }
    public static func storage(_ values: [Double]) -> TensorStorage { .float64(values) }
}
