/// Parses expression text into `ExpressionSyntax` by precedence climbing.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons (not chained), `+ -`, `* / %`,
/// unary `-`, `**` (right-associative, binds tighter than a unary minus on its left, as in
/// Python: `-2 ** 2` is -4). Nesting is limited to `maxDepth` so no text can exhaust the stack.
struct ExpressionParser {
    static let maxDepth = 64

    private let tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    /// Parses a whole expression.
    static func parse(_ text: String) throws(ExpressionError) -> ExpressionSyntax {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        let syntax = try parser.expression(minimumPrecedence: 1)
        guard case .end = parser.current.kind else {
            throw ExpressionError(message: "unexpected \(parser.describe(parser.current)) after the expression", column: parser.current.column)
        }
        return syntax
    }

    private init(tokens: [ExpressionToken]) {
        self.tokens = tokens
    }

    private var current: ExpressionToken { tokens[min(position, tokens.count - 1)] }

    private static func binaryOperator(_ token: ExpressionToken) -> (ExpressionSyntax.BinaryOperator, Int)? {
        switch token.kind {
        case .identifier("or"): (.or, 1)
        case .identifier("and"): (.and, 2)
        case .symbol(let s):
            switch s {
            case "==": (.equal, 4)
            case "!=": (.notEqual, 4)
            case "<": (.less, 4)
            case "<=": (.lessOrEqual, 4)
            case ">": (.greater, 4)
            case ">=": (.greaterOrEqual, 4)
            case "+": (.add, 5)
            case "-": (.subtract, 5)
            case "*": (.multiply, 6)
            case "/": (.divide, 6)
            case "%": (.remainder, 6)
            default: nil
            }
        default: nil
        }
    }

    private mutating func expression(minimumPrecedence: Int) throws(ExpressionError) -> ExpressionSyntax {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw ExpressionError(message: "the expression nests more than \(Self.maxDepth) levels deep", column: current.column)
        }
        var lhs = try prefix(minimumPrecedence: minimumPrecedence)
        while let (op, precedence) = Self.binaryOperator(current), precedence >= minimumPrecedence {
            let column = current.column
            position += 1
            let rhs = try expression(minimumPrecedence: precedence + 1)
            if op.isComparison, case .binary(let inner, _, _, _) = lhs, inner.isComparison, precedence == 4 {
                throw ExpressionError(message: "comparisons cannot be chained; combine them with 'and'", column: column)
            }
            lhs = .binary(op, lhs, rhs, column: column)
        }
        return lhs
    }

    /// `not` (precedence 3) and unary minus (precedence 7) bind what follows at their level.
    private mutating func prefix(minimumPrecedence: Int) throws(ExpressionError) -> ExpressionSyntax {
        let token = current
        if case .identifier("not") = token.kind, minimumPrecedence <= 3 {
            position += 1
            return .unary(.not, try expression(minimumPrecedence: 3), column: token.column)
        }
        if case .symbol("-") = token.kind {
            position += 1
            return .unary(.negate, try expression(minimumPrecedence: 7), column: token.column)
        }
        if case .symbol("+") = token.kind {
            position += 1
            return try expression(minimumPrecedence: 7)
        }
        return try power()
    }

    private mutating func power() throws(ExpressionError) -> ExpressionSyntax {
        let base = try primary()
        guard case .symbol("**") = current.kind else { return base }
        let column = current.column
        position += 1
        // Right-associative, and the exponent may carry its own unary minus: 2 ** -1.
        let exponent = try prefix(minimumPrecedence: 7)
        return .binary(.power, base, exponent, column: column)
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionSyntax {
        let token = current
        position += 1
        switch token.kind {
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .identifier("true"): return .bool(true)
        case .identifier("false"): return .bool(false)
        case .identifier(let name) where ["and", "or", "not"].contains(name):
            throw ExpressionError(message: "expected a value, found '\(name)'", column: token.column)
        case .identifier(let name):
            if case .symbol("(") = current.kind {
                position += 1
                return .call(name, try arguments(), column: token.column)
            }
            return .name(name, column: token.column)
        case .symbol("("):
            let inner = try expression(minimumPrecedence: 1)
            try expect(")")
            return inner
        case .symbol("{"):
            return try mapLiteral(column: token.column)
        default:
            throw ExpressionError(message: "expected a value, found \(describe(token))", column: token.column)
        }
    }

    private mutating func arguments() throws(ExpressionError) -> [ExpressionSyntax] {
        var list: [ExpressionSyntax] = []
        if case .symbol(")") = current.kind {
            position += 1
            return list
        }
        while true {
            list.append(try expression(minimumPrecedence: 1))
            if case .symbol(",") = current.kind {
                position += 1
                continue
            }
            try expect(")")
            return list
        }
    }

    private mutating func mapLiteral(column: Int) throws(ExpressionError) -> ExpressionSyntax {
        var entries: [(key: ExpressionSyntax.MapKey, value: ExpressionSyntax)] = []
        if case .symbol("}") = current.kind {
            position += 1
            return .mapLiteral(entries, column: column)
        }
        while true {
            let keyToken = current
            position += 1
            let key: ExpressionSyntax.MapKey
            switch keyToken.kind {
            case .number(let n): key = .number(n)
            case .string(let s), .identifier(let s): key = .string(s)
            case .symbol("-"):
                guard case .number(let n) = current.kind else {
                    throw ExpressionError(message: "expected a map key, found \(describe(current))", column: current.column)
                }
                position += 1
                key = .number(-n)
            default: throw ExpressionError(message: "expected a map key, found \(describe(keyToken))", column: keyToken.column)
            }
            guard !entries.contains(where: { $0.key == key }) else {
                throw ExpressionError(message: "map key \(key) appears twice", column: keyToken.column)
            }
            try expect(":")
            entries.append((key, try expression(minimumPrecedence: 1)))
            if case .symbol(",") = current.kind {
                position += 1
                if case .symbol("}") = current.kind { position += 1; return .mapLiteral(entries, column: column) }
                continue
            }
            try expect("}")
            return .mapLiteral(entries, column: column)
        }
    }

    private mutating func expect(_ symbol: String) throws(ExpressionError) {
        guard case .symbol(symbol) = current.kind else {
            throw ExpressionError(message: "expected '\(symbol)', found \(describe(current))", column: current.column)
        }
        position += 1
    }

    private func describe(_ token: ExpressionToken) -> String {
        switch token.kind {
        case .number(let n): "number '\(n)'"
        case .string(let s): "string '\(s)'"
        case .identifier(let s): "'\(s)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the expression"
        }
    }
}
