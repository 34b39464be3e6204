/// The static type of a tensor: element type and a shape whose dimensions may be unknown.
///
/// `shape == nil` means the rank is unknown; a `nil` dimension is unknown (symbolic, such as
/// the batch size `N`).
public struct TensorType: Sendable, Equatable, CustomStringConvertible {
    public var elementType: ElementType
    public var shape: [Int?]?

    public init(_ elementType: ElementType, shape: [Int?]? = nil) {
        self.elementType = elementType
        self.shape = shape
    }

    public var rank: Int? { shape?.count }

    /// The shape of a table of rows, `[N, width]`: as declared, or `[N, ?]` when the shape is
    /// not declared at all (exporters with a dynamic feature count leave it out).
    public var rowsShape: [Int?] { shape ?? [nil, nil] }

    /// Whether the values per row are left to the data: `[N, ?]`, or no declared shape.
    public var hasOpenRowWidth: Bool {
        let shape = rowsShape
        return shape.count == 2 && shape[1] == nil
    }

    public var description: String {
        guard let shape else { return "tensor(\(elementType))" }
        return "tensor(\(elementType))[\(shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", "))]"
    }

    /// Whether a concrete tensor fits this type.
    public func accepts(_ tensor: Tensor) -> Bool {
        guard tensor.elementType == elementType else { return false }
        guard let shape else { return true }
        guard shape.count == tensor.rank else { return false }
        return zip(shape, tensor.shape).allSatisfy { expected, actual in expected.map { $0 == actual } ?? true }
    }
}

/// The static type of a graph value.
public enum ValueType: Sendable, Equatable, CustomStringConvertible {
    case tensor(TensorType)
    /// A sequence of maps from `key` (int64 or string) to float32, one per row.
    case maps(key: ElementType)

    public var tensorType: TensorType? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    public var description: String {
        switch self {
        case .tensor(let t): t.description
        case .maps(let key): "seq(map(\(key), float32))"
        }
    }
}
