import AugurEngine

/// Differences between a computed value and the reference: labels must be equal, numbers
/// within `relative` of each other (or `absolute` near zero), NaN matching NaN.
func differences(_ actual: Value, _ expected: Value, relative: Double = 1e-5, absolute: Double = 1e-6) -> [String] {
    func close(_ a: Double, _ e: Double) -> Bool {
        if a.isNaN || e.isNaN { return a.isNaN && e.isNaN }
        if a == e { return true }
        return abs(a - e) <= max(absolute, relative * abs(e))
    }
    func numbers(_ a: [Double], _ e: [Double]) -> [String] {
        guard a.count == e.count else { return ["\(a.count) values, expected \(e.count)"] }
        return zip(a, e).enumerated().filter { !close($1.0, $1.1) }.prefix(5).map { "[\($0)] \($1.0) vs expected \($1.1)" }
    }
    func exact<T: Equatable>(_ a: [T], _ e: [T]) -> [String] {
        guard a.count == e.count else { return ["\(a.count) values, expected \(e.count)"] }
        return zip(a, e).enumerated().filter { $1.0 != $1.1 }.prefix(5).map { "[\($0)] \($1.0) vs expected \($1.1)" }
    }
    switch (actual, expected) {
    case (.maps(let a), .maps(let e)):
        guard a.keys.strings == e.keys.strings else { return ["keys \(a.keys.strings) vs expected \(e.keys.strings)"] }
        return numbers(a.scores.map(Double.init), e.scores.map(Double.init))
    case (.tensor(let a), .tensor(let e)):
        guard a.shape == e.shape else { return ["shape \(a.shape) vs expected \(e.shape)"] }
        switch (a.storage, e.storage) {
        case (.float32(let x), .float32(let y)): return numbers(x.map(Double.init), y.map(Double.init))
        case (.float64(let x), .float64(let y)): return numbers(x, y)
        case (.int64(let x), .int64(let y)): return exact(x, y)
        case (.int32(let x), .int32(let y)): return exact(x, y)
        case (.bool(let x), .bool(let y)): return exact(x, y)
        case (.string(let x), .string(let y)): return exact(x, y)
        default: return ["type \(a.elementType) vs expected \(e.elementType)"]
        }
    default:
        return ["\(actual.type) vs expected \(expected.type)"]
    }
}
