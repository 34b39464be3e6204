/// The syntax tree of a feature or rule expression, with source columns for messages.
indirect enum ExpressionSyntax: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case name(String, column: Int)
    case unary(UnaryOperator, ExpressionSyntax, column: Int)
    case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax, column: Int)
    case call(String, [ExpressionSyntax], column: Int)
    /// `{key: value, …}`, only valid as the second argument of `map`.
    case mapLiteral([(key: MapKey, value: ExpressionSyntax)], column: Int)

    enum MapKey: Sendable, Hashable, CustomStringConvertible {
        case number(Double)
        case string(String)

        var description: String {
            switch self {
            case .number(let n): n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : n.description
            case .string(let s): "'\(s)'"
            }
        }
    }

    enum UnaryOperator: String, Sendable {
        case negate = "-"
        case not
    }

    enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "**"
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case and, or

        var isComparison: Bool {
            switch self {
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
            default: false
            }
        }
    }

    /// The column where this expression starts (1-based; 0 when unknown).
    var column: Int {
        switch self {
        case .number, .string, .bool: 0
        case .name(_, let column), .unary(_, _, let column), .binary(_, _, _, let column),
             .call(_, _, let column), .mapLiteral(_, let column): column
        }
    }

    /// Every parameter name used, in order of first appearance.
    var names: [String] {
        var found: [String] = []
        collectNames(into: &found)
        return found
    }

    private func collectNames(into found: inout [String]) {
        switch self {
        case .number, .string, .bool: return
        case .name(let name, _): if !found.contains(name) { found.append(name) }
        case .unary(_, let operand, _): operand.collectNames(into: &found)
        case .binary(_, let lhs, let rhs, _):
            lhs.collectNames(into: &found)
            rhs.collectNames(into: &found)
        case .call(_, let arguments, _): for argument in arguments { argument.collectNames(into: &found) }
        case .mapLiteral(let entries, _): for entry in entries { entry.value.collectNames(into: &found) }
        }
    }
}

/// A problem in an expression's text or types, at a 1-based column.
struct ExpressionError: Error, Sendable, Equatable {
    let message: String
    let column: Int

    /// The message with its column, as config errors show it.
    var description: String { column > 0 ? "\(message) (column \(column))" : message }
}
