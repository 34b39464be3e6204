import Foundation

/// The built-in functions: `log exp sqrt abs floor ceil round min max clip if map`.
extension ExpressionCompiler {
    func call(_ name: String, _ arguments: [ExpressionSyntax], column: Int) throws(ExpressionError) -> CompiledExpression {
        switch name {
        case "log": return try unaryMath(name, arguments, column) { Foundation.log($0) }
        case "exp": return try unaryMath(name, arguments, column) { Foundation.exp($0) }
        case "sqrt": return try unaryMath(name, arguments, column) { $0.squareRoot() }
        case "abs": return try unaryMath(name, arguments, column) { Swift.abs($0) }
        case "floor": return try unaryMath(name, arguments, column) { $0.rounded(.down) }
        case "ceil": return try unaryMath(name, arguments, column) { $0.rounded(.up) }
        case "round": return try round(arguments, column)
        case "min", "max": return try extremum(name, arguments, column)
        case "clip": return try clip(arguments, column)
        case "if": return try conditional(arguments, column)
        case "map": return try map(arguments, column)
        default:
            let hint = Suggestion.closest(to: name, in: Self.functions).map { "; did you mean '\($0)'?" }
                ?? "; expected one of \(Self.functions.joined(separator: ", "))"
            throw ExpressionError(message: "unknown function '\(name)'\(hint)", column: column)
        }
    }

    private func numbers(_ name: String, _ arguments: [ExpressionSyntax], _ column: Int, count: ClosedRange<Int>)
        throws(ExpressionError) -> [@Sendable (ParameterRow) -> Double]
    {
        guard count.contains(arguments.count) else {
            let expected = count.lowerBound == count.upperBound ? "\(count.lowerBound)" :
                count.upperBound == Int.max ? "at least \(count.lowerBound)" : "\(count.lowerBound) or \(count.upperBound)"
            throw ExpressionError(message: "\(name)() takes \(expected) argument\(count.upperBound == 1 ? "" : "s"), not \(arguments.count)", column: column)
        }
        var result: [@Sendable (ParameterRow) -> Double] = []
        for (position, argument) in arguments.enumerated() {
            guard case .number(let f) = try compile(argument) else {
                throw ExpressionError(message: "argument \(position + 1) of \(name)() must be a number", column: column)
            }
            result.append(f)
        }
        return result
    }

    private func unaryMath(_ name: String, _ arguments: [ExpressionSyntax], _ column: Int,
                           _ body: @escaping @Sendable (Double) -> Double) throws(ExpressionError) -> CompiledExpression
    {
        let f = try numbers(name, arguments, column, count: 1...1)[0]
        return .number { body(f($0)) }
    }

    private func round(_ arguments: [ExpressionSyntax], _ column: Int) throws(ExpressionError) -> CompiledExpression {
        let args = try numbers("round", arguments, column, count: 1...2)
        let x = args[0]
        guard args.count == 2 else { return .number { x($0).rounded(.toNearestOrEven) } }
        let digits = args[1]
        return .number { row in
            let scale = Foundation.pow(10, digits(row).rounded(.towardZero))
            return (x(row) * scale).rounded(.toNearestOrEven) / scale
        }
    }

    private func extremum(_ name: String, _ arguments: [ExpressionSyntax], _ column: Int) throws(ExpressionError) -> CompiledExpression {
        let args = try numbers(name, arguments, column, count: 2...Int.max)
        let isMin = name == "min"
        return .number { row in
            var result = args[0](row)
            for f in args.dropFirst() {
                let value = f(row)
                if value.isNaN || result.isNaN { return .nan }
                result = isMin ? Swift.min(result, value) : Swift.max(result, value)
            }
            return result
        }
    }

    private func clip(_ arguments: [ExpressionSyntax], _ column: Int) throws(ExpressionError) -> CompiledExpression {
        let args = try numbers("clip", arguments, column, count: 3...3)
        let (x, lo, hi) = (args[0], args[1], args[2])
        return .number { row in
            let value = x(row)
            guard !value.isNaN else { return value }
            return Swift.min(Swift.max(value, lo(row)), hi(row))
        }
    }

    private func conditional(_ arguments: [ExpressionSyntax], _ column: Int) throws(ExpressionError) -> CompiledExpression {
        guard arguments.count == 3 else {
            throw ExpressionError(message: "if() takes 3 arguments (condition, then, else), not \(arguments.count)", column: column)
        }
        guard case .bool(let condition) = try compile(arguments[0]) else {
            throw ExpressionError(message: "the condition of if() must be a boolean", column: column)
        }
        switch (try compile(arguments[1]), try compile(arguments[2])) {
        case (.number(let a), .number(let b)): return .number { condition($0) ? a($0) : b($0) }
        case (.string(let a), .string(let b)): return .string { condition($0) ? a($0) : b($0) }
        case (.bool(let a), .bool(let b)): return .bool { condition($0) ? a($0) : b($0) }
        case (let a, let b):
            throw ExpressionError(message: "the branches of if() must have one type, not \(a.type) and \(b.type)", column: column)
        }
    }
}
