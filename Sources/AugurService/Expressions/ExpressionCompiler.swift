import Foundation

/// Type-checks expression syntax and compiles it into closures.
///
/// Numbers follow IEEE/numpy: `x / 0` is ±inf or NaN, `log(-1)` is NaN, `%` takes the sign of
/// the divisor like Python. `+` also joins two strings; comparisons need operands of one type;
/// `and`/`or`/`not` need booleans.
struct ExpressionCompiler {
    let scope: ExpressionScope

    static let functions = ["log", "exp", "sqrt", "abs", "floor", "ceil", "round", "min", "max", "clip", "if", "map"]

    func compile(_ syntax: ExpressionSyntax) throws(ExpressionError) -> CompiledExpression {
        switch syntax {
        case .number(let value): return .number { _ in value }
        case .string(let value): return .string { _ in value }
        case .bool(let value): return .bool { _ in value }
        case .name(let name, let column): return try reference(name, column: column)
        case .unary(let op, let operand, let column): return try unary(op, operand, column: column)
        case .binary(let op, let lhs, let rhs, let column): return try binary(op, lhs, rhs, column: column)
        case .call(let name, let arguments, let column): return try call(name, arguments, column: column)
        case .mapLiteral(_, let column):
            throw ExpressionError(message: "a {key: value} map can only be the second argument of map()", column: column)
        }
    }

    private func reference(_ name: String, column: Int) throws(ExpressionError) -> CompiledExpression {
        guard let entry = scope.entries[name] else {
            let hint = Suggestion.closest(to: name, in: scope.names).map { "; did you mean '\($0)'?" } ?? ""
            let known = scope.names.isEmpty ? "" : " (parameters: \(scope.names.joined(separator: ", ")))"
            throw ExpressionError(message: "unknown name '\(name)'\(hint.isEmpty ? known : hint)", column: column)
        }
        let index = entry.index
        switch entry.type {
        case .number: return .number { $0.number(index) }
        case .string: return .string { $0.string(index) }
        case .bool: return .bool { $0.bool(index) }
        }
    }

    private func unary(_ op: ExpressionSyntax.UnaryOperator, _ operand: ExpressionSyntax, column: Int)
        throws(ExpressionError) -> CompiledExpression
    {
        let value = try compile(operand)
        switch (op, value) {
        case (.negate, .number(let f)): return .number { -f($0) }
        case (.not, .bool(let f)): return .bool { !f($0) }
        case (.negate, _): throw ExpressionError(message: "'-' needs a number, not a \(value.type)", column: column)
        case (.not, _): throw ExpressionError(message: "'not' needs a boolean, not a \(value.type)", column: column)
        }
    }

    private func binary(_ op: ExpressionSyntax.BinaryOperator, _ lhs: ExpressionSyntax, _ rhs: ExpressionSyntax,
                        column: Int) throws(ExpressionError) -> CompiledExpression
    {
        let a = try compile(lhs)
        let b = try compile(rhs)
        switch (a, b) {
        case (.number(let f), .number(let g)):
            if let arithmetic = Self.arithmetic(op, f, g) { return arithmetic }
            if let comparison = Self.compare(op, f, g) { return comparison }
        case (.string(let f), .string(let g)):
            if op == .add { return .string { f($0) + g($0) } }
            if let comparison = Self.compare(op, f, g) { return comparison }
        case (.bool(let f), .bool(let g)):
            switch op {
            case .and: return .bool { f($0) && g($0) }
            case .or: return .bool { f($0) || g($0) }
            case .equal: return .bool { f($0) == g($0) }
            case .notEqual: return .bool { f($0) != g($0) }
            default: break
            }
        default: break
        }
        throw ExpressionError(message: "'\(op.rawValue)' cannot combine a \(a.type) and a \(b.type)", column: column)
    }

    private static func arithmetic(_ op: ExpressionSyntax.BinaryOperator,
                                   _ f: @escaping @Sendable (ParameterRow) -> Double,
                                   _ g: @escaping @Sendable (ParameterRow) -> Double) -> CompiledExpression?
    {
        switch op {
        case .add: .number { f($0) + g($0) }
        case .subtract: .number { f($0) - g($0) }
        case .multiply: .number { f($0) * g($0) }
        case .divide: .number { f($0) / g($0) }
        case .remainder: .number { Self.pythonRemainder(f($0), g($0)) }
        case .power: .number { Foundation.pow(f($0), g($0)) }
        default: nil
        }
    }

    /// `a % b` with the sign of `b`, as Python and numpy compute it; NaN when `b` is 0.
    static func pythonRemainder(_ a: Double, _ b: Double) -> Double {
        let r = a.truncatingRemainder(dividingBy: b)
        return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
    }

    private static func compare<T: Comparable & SendableMetatype>(_ op: ExpressionSyntax.BinaryOperator,
                                               _ f: @escaping @Sendable (ParameterRow) -> T,
                                               _ g: @escaping @Sendable (ParameterRow) -> T) -> CompiledExpression?
    {
        switch op {
        case .equal: .bool { f($0) == g($0) }
        case .notEqual: .bool { f($0) != g($0) }
        case .less: .bool { f($0) < g($0) }
        case .lessOrEqual: .bool { f($0) <= g($0) }
        case .greater: .bool { f($0) > g($0) }
        case .greaterOrEqual: .bool { f($0) >= g($0) }
        default: nil
        }
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestion {
    /// The candidate closest to `word` within a small edit distance, if any.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = word.count <= 3 ? 1 : word.count <= 8 ? 2 : 3
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word.lowercased(), candidate.lowercased())
            if d <= limit, d < word.count, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous = Array(0...y.count)
        var current = previous
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
