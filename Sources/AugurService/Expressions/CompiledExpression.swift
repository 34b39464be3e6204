/// The value type of an expression.
enum ExpressionType: String, Sendable, CustomStringConvertible {
    case number, string, bool

    var description: String { rawValue }
}

/// A type-checked expression compiled to a closure over one row's parameter values.
///
/// Evaluation allocates nothing for number and bool results; string results share storage.
enum CompiledExpression: Sendable {
    case number(@Sendable (ParameterRow) -> Double)
    case string(@Sendable (ParameterRow) -> String)
    case bool(@Sendable (ParameterRow) -> Bool)

    var type: ExpressionType {
        switch self {
        case .number: .number
        case .string: .string
        case .bool: .bool
        }
    }
}

/// What an expression may refer to: parameters by name, with their index, type and options.
struct ExpressionScope: Sendable {
    struct Entry: Sendable {
        let index: Int
        let type: ExpressionType
        /// Enum options (for completeness checks of `map`); empty for other parameters.
        let options: [ExpressionSyntax.MapKey]
    }

    var entries: [String: Entry] = [:]
    /// Names in declaration order, for suggestions.
    var names: [String] = []

    mutating func add(_ name: String, index: Int, type: ExpressionType, options: [ExpressionSyntax.MapKey] = []) {
        entries[name] = Entry(index: index, type: type, options: options)
        names.append(name)
    }
}

/// Parsed, checked and compiled expression text, with the parameters it reads.
struct Expression: Sendable {
    let source: String
    let compiled: CompiledExpression
    /// Parameter indices read, in order of first use.
    let parameterIndices: [Int]
    /// Parameter names read, in order of first use.
    let parameterNames: [String]

    /// Parses, type-checks and compiles `source` against `scope`.
    init(_ source: String, scope: ExpressionScope) throws(ExpressionError) {
        let syntax = try ExpressionParser.parse(source)
        self.source = source
        compiled = try ExpressionCompiler(scope: scope).compile(syntax)
        parameterNames = syntax.names
        parameterIndices = parameterNames.compactMap { scope.entries[$0]?.index }
    }

    var type: ExpressionType { compiled.type }
}
