/// A dense, row-major tensor of one element type.
///
/// The element count always equals the product of `shape` (checked by the initialisers that
/// take outside data); a scalar has shape `[]` and one element.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    public private(set) var shape: [Int]
    public private(set) var storage: TensorStorage

    /// A tensor from storage whose count matches `shape`; throws otherwise.
    public init(shape: [Int], storage: TensorStorage) throws {
        guard let count = Tensor.elementCount(of: shape), count == storage.count else {
            throw EngineError(.shapeMismatch,
                "a tensor of shape \(shape) cannot hold \(storage.count) elements.")
        }
        self.shape = shape
        self.storage = storage
    }

    /// A tensor whose storage the caller guarantees to match `shape` (kernels only).
    init(unchecked shape: [Int], _ storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    public init(float32 values: [Float], shape: [Int]) throws { try self.init(shape: shape, storage: .float32(values)) }
    public init(float64 values: [Double], shape: [Int]) throws { try self.init(shape: shape, storage: .float64(values)) }
    public init(int64 values: [Int64], shape: [Int]) throws { try self.init(shape: shape, storage: .int64(values)) }
    public init(int32 values: [Int32], shape: [Int]) throws { try self.init(shape: shape, storage: .int32(values)) }
    public init(bool values: [Bool], shape: [Int]) throws { try self.init(shape: shape, storage: .bool(values)) }
    public init(string values: [String], shape: [Int]) throws { try self.init(shape: shape, storage: .string(values)) }

    public var elementType: ElementType { storage.elementType }
    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    public var type: TensorType { TensorType(elementType, shape: shape.map { $0 }) }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, storage: storage)
    }

    /// Product of the dimensions, or nil when negative or overflowing (uncapped: for data that
    /// already exists; sizes to allocate go through `TensorLimits.elementCount`).
    public static func elementCount(of shape: [Int]) -> Int? { TensorLimits.product(shape, cap: .max) }

    public var description: String { "Tensor<\(elementType)>\(shape)" }
}

/// The typed elements of a tensor.
public enum TensorStorage: Sendable, Equatable {
    case float32([Float])
    case float64([Double])
    case int64([Int64])
    case int32([Int32])
    case bool([Bool])
    case string([String])

    public var elementType: ElementType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int64: .int64
        case .int32: .int32
        case .bool: .bool
        case .string: .string
        }
    }

    public var count: Int {
        switch self {
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .int64(let v): v.count
        case .int32(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        }
    }
}
