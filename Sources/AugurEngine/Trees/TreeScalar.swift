/// The floating-point types that tree thresholds, leaf weights and scores use: Float and Double.
///
/// A forest stores its values in one scalar type and compares and accumulates in another of
/// equal or greater precision (float thresholds with a float64 input compare in Double, as
/// onnxruntime does), so the kernels are generic over both.
public protocol TreeScalar: BinaryFloatingPoint, Sendable {
    /// The tensor element type of this scalar.
    static var treeElementType: ElementType { get }
    /// This value as a Float (rounded to nearest when Self is Double).
    var treeFloat: Float { get }
    /// This value as a Double (always exact).
    var treeDouble: Double { get }
    /// Converts from another tree scalar: exact when widening, rounded when narrowing.
    init<Source: TreeScalar>(tree value: Source)
    /// A value whose bits hold `index` (leaf and set references inside compiled nodes).
    init(treeIndexBits index: Int)
    /// The index stored by `init(indexBits:)`.
    var treeIndexBits: Int { get }
    /// Tensor storage holding `values`.
    static func treeStorage(_ values: [Self]) -> TensorStorage
}

extension Float: TreeScalar {
    public static var treeElementType: ElementType { .float32 }
    @inline(__always) public var treeFloat: Float { self }
    @inline(__always) public var treeDouble: Double { Double(self) }
    @inline(__always) public init<Source: TreeScalar>(tree value: Source) { self = value.treeFloat }
    @inline(__always) public init(treeIndexBits index: Int) { self.init(bitPattern: UInt32(truncatingIfNeeded: index)) }
    @inline(__always) public var treeIndexBits: Int { Int(bitPattern) }
    public static func treeStorage(_ values: [Float]) -> TensorStorage { .float32(values) }
}

extension Double: TreeScalar {
    public static var treeElementType: ElementType { .float64 }
    @inline(__always) public var treeFloat: Float { Float(self) }
    @inline(__always) public var treeDouble: Double { self }
    @inline(__always) public init<Source: TreeScalar>(tree value: Source) { self = value.treeDouble }
    @inline(__always) public init(treeIndexBits index: Int) { self.init(bitPattern: UInt64(truncatingIfNeeded: index)) }
    @inline(__always) public var treeIndexBits: Int { Int(truncatingIfNeeded: bitPattern) }
    public static func treeStorage(_ values: [Double]) -> TensorStorage { .float64(values) }
}
