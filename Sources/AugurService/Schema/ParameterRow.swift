/// One validated parameter value of one request row.
enum ParameterValue: Sendable, Equatable {
    /// Absent (not required, no default) or `null` (nullable): NaN in number features.
    case missing
    case number(Double)
    case string(String)
    case bool(Bool)
}

/// The validated values of one row, by parameter index, seen inside a batch's flat storage.
struct ParameterRow {
    let storage: [ParameterValue]
    let base: Int

    init(_ storage: [ParameterValue], base: Int = 0) {
        self.storage = storage
        self.base = base
    }

    subscript(index: Int) -> ParameterValue { storage[base + index] }

    /// The value as a number: bools are 1/0, anything else not a number is NaN.
    func number(_ index: Int) -> Double {
        switch storage[base + index] {
        case .number(let value): value
        case .bool(let value): value ? 1 : 0
        case .missing, .string: .nan
        }
    }

    /// The value as a string: missing is "", numbers their shortest text.
    func string(_ index: Int) -> String {
        switch storage[base + index] {
        case .string(let value): value
        case .number(let value): value.description
        case .bool(let value): value ? "true" : "false"
        case .missing: ""
        }
    }

    /// The value as a bool: missing is false, numbers are true when non-zero.
    func bool(_ index: Int) -> Bool {
        switch storage[base + index] {
        case .bool(let value): value
        case .number(let value): value != 0
        case .string(let value): !value.isEmpty
        case .missing: false
        }
    }
}
