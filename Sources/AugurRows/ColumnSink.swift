import AugurEngine
import AugurONNX

/// Collects the values of one model input, row by row, into a tensor of its element type.
///
/// An input of shape [N] or [N, 1] takes one value per row; [N, k] takes k; [N, ?] and an
/// input with no declared shape take as many as the data gives (`width`). Nothing is
/// coerced: a string where a number is expected, a fraction for an integer input, or a
/// missing value where the type has no way to say "missing" (only floats do: NaN) is an error.
struct ColumnSink {
    let name: String
    let elementType: ElementType
    /// Values per row.
    let width: Int
    let trailingShape: [Int]
    private(set) var floats: [Float] = []
    private(set) var doubles: [Double] = []
    private(set) var int64s: [Int64] = []
    private(set) var int32s: [Int32] = []
    private(set) var bools: [Bool] = []
    private(set) var strings: [String] = []

    /// `width`: the values per row the data gives, for an input whose width the model leaves
    /// open (`hasOpenWidth`).
    init(port: ModelSignature.Port, width: Int? = nil) throws {
        guard case .tensor(let type) = port.type else {
            throw RowError(row: nil, column: port.name, "input type \(port.type) cannot be read from rows.")
        }
        name = port.name
        elementType = type.elementType
        var dims = type.rowsShape
        if type.hasOpenRowWidth, let width { dims[1] = width }
        let trailing = Array(dims.dropFirst())
        guard trailing.allSatisfy({ $0 != nil }), dims.count >= 1 else {
            throw RowError(row: nil, column: port.name, "input shape \(type) has unknown feature dimensions.")
        }
        trailingShape = trailing.compactMap { $0 }
        guard dims.count <= TensorLimits.maxRank, let width = TensorLimits.product(trailingShape) else {
            throw RowError(row: nil, column: port.name,
                "input shape \(type) has more than \(TensorLimits.maxElements) values per row or more than \(TensorLimits.maxRank) dimensions.")
        }
        self.width = width
    }

    /// Whether the model leaves the values per row to the data: [N, ?] (XGBoost and others
    /// exported with a dynamic feature count), or no declared shape.
    static func hasOpenWidth(_ port: ModelSignature.Port) -> Bool {
        port.type.tensorType?.hasOpenRowWidth ?? false
    }

    mutating func reserve(_ rows: Int) {
        guard let n = TensorLimits.product([rows, width]) else { return }  // the tensor check reports it
        switch elementType {
        case .float32: floats.reserveCapacity(n)
        case .float64: doubles.reserveCapacity(n)
        case .int64: int64s.reserveCapacity(n)
        case .int32: int32s.reserveCapacity(n)
        case .bool: bools.reserveCapacity(n)
        case .string: strings.reserveCapacity(n)
        }
    }

    /// Appends a number; returns an error message when it does not fit the type.
    mutating func append(number value: Double) -> String? {
        switch elementType {
        case .float32: floats.append(Float(value))
        case .float64: doubles.append(value)
        case .int64:
            guard value.rounded() == value, let v = Int64(exactly: value) else { return "'\(Self.text(value))' is not an integer (input is int64)." }
            int64s.append(v)
        case .int32:
            guard value.rounded() == value, let v = Int32(exactly: value) else { return "'\(Self.text(value))' is not a 32-bit integer (input is int32)." }
            int32s.append(v)
        case .bool: return "'\(Self.text(value))' is a number; the input is bool (true or false)."
        case .string: return "'\(Self.text(value))' is a number; the input is a string. Quote it."
        }
        return nil
    }

    /// A number as the user wrote it: `3`, not `3.0`.
    static func text(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    mutating func append(string value: String) -> String? {
        guard elementType == .string else { return "'\(value)' is a string; the input is \(elementType)." }
        strings.append(value)
        return nil
    }

    mutating func append(bool value: Bool) -> String? {
        guard elementType == .bool else { return "'\(value)' is a bool; the input is \(elementType)." }
        bools.append(value)
        return nil
    }

    /// Appends a missing value: NaN for float inputs, an error for the rest.
    mutating func appendMissing() -> String? {
        switch elementType {
        case .float32: floats.append(.nan)
        case .float64: doubles.append(.nan)
        default: return "a missing value cannot be given to a \(elementType) input."
        }
        return nil
    }

    func tensor(rows: Int) throws -> Tensor {
        let storage: TensorStorage = switch elementType {
        case .float32: .float32(floats)
        case .float64: .float64(doubles)
        case .int64: .int64(int64s)
        case .int32: .int32(int32s)
        case .bool: .bool(bools)
        case .string: .string(strings)
        }
        return try Tensor(shape: [rows] + trailingShape, storage: storage)
    }
}

extension ColumnSink {
    /// Appends an integer exactly (int64 inputs keep values beyond 2^53).
    mutating func append(integer value: Int64) -> String? {
        guard elementType == .int64 else { return append(number: Double(value)) }
        int64s.append(value)
        return nil
    }
}

extension ColumnSink {
    /// The values of `parts` (sinks of the same input, filled from consecutive rows) in
    /// order; nil for no parts.
    static func joined(_ parts: [ColumnSink]) -> ColumnSink? {
        guard var joined = parts.first else { return nil }
        joined.floats = concatenated(parts.map(\.floats))
        joined.doubles = concatenated(parts.map(\.doubles))
        joined.int64s = concatenated(parts.map(\.int64s))
        joined.int32s = concatenated(parts.map(\.int32s))
        joined.bools = concatenated(parts.map(\.bools))
        joined.strings = concatenated(parts.map(\.strings))
        return joined
    }

    private static func concatenated<T>(_ arrays: [[T]]) -> [T] {
        guard arrays.count > 1 else { return arrays.first ?? [] }
        var out: [T] = []
        out.reserveCapacity(arrays.reduce(0) { $0 + $1.count })
        for array in arrays { out += array }
        return out
    }
}
