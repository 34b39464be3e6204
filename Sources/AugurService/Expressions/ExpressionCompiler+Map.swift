/// `map(x, {key: value, …}[, default])`: look a value up by key (enum → code maps).
///
/// Keys must match x's type and values share one type. Without a default, a map over an
/// enum parameter must cover every option (checked here, at load); over anything else a
/// missing key gives NaN, "" or false.
extension ExpressionCompiler {
    func map(_ arguments: [ExpressionSyntax], _ column: Int) throws(ExpressionError) -> CompiledExpression {
        guard arguments.count == 2 || arguments.count == 3 else {
            throw ExpressionError(message: "map() takes 2 or 3 arguments (value, {key: value, …}, default), not \(arguments.count)", column: column)
        }
        guard case .mapLiteral(let entries, let mapColumn) = arguments[1] else {
            throw ExpressionError(message: "the second argument of map() must be a {key: value, …} map", column: column)
        }
        guard !entries.isEmpty else { throw ExpressionError(message: "the map of map() is empty", column: mapColumn) }
        let key = try compile(arguments[0])
        var values: [CompiledExpression] = []
        for entry in entries { values.append(try compile(entry.value)) }
        let fallback = arguments.count == 3 ? try compile(arguments[2]) : nil
        let valueType = values[0].type
        for value in values + (fallback.map { [$0] } ?? []) where value.type != valueType {
            throw ExpressionError(message: "the values of map() must have one type, not \(valueType) and \(value.type)", column: mapColumn)
        }
        if fallback == nil { try checkCoverage(arguments[0], entries.map(\.key), column: mapColumn) }
        switch key {
        case .number(let f):
            var table: [Double: Int] = [:]
            for (i, entry) in entries.enumerated() {
                guard case .number(let n) = entry.key else {
                    throw ExpressionError(message: "map() keys must be numbers like its first argument, not \(entry.key)", column: mapColumn)
                }
                table[n] = i
            }
            let lookup = table
            return select(values, fallback) { row in lookup[f(row)] }
        case .string(let f):
            var table: [String: Int] = [:]
            for (i, entry) in entries.enumerated() {
                guard case .string(let s) = entry.key else {
                    throw ExpressionError(message: "map() keys must be strings like its first argument, not \(entry.key)", column: mapColumn)
                }
                table[s] = i
            }
            let lookup = table
            return select(values, fallback) { row in lookup[f(row)] }
        case .bool:
            throw ExpressionError(message: "the first argument of map() must be a number or a string, not a bool", column: column)
        }
    }

    private func checkCoverage(_ subject: ExpressionSyntax, _ keys: [ExpressionSyntax.MapKey], column: Int) throws(ExpressionError) {
        guard case .name(let name, _) = subject, let entry = scope.entries[name], !entry.options.isEmpty else { return }
        let missing = entry.options.filter { !keys.contains($0) }
        guard missing.isEmpty else {
            throw ExpressionError(
                message: "map() does not cover option\(missing.count == 1 ? "" : "s") \(missing.map(\.description).joined(separator: ", ")) of '\(name)'; map every option or give a default as the third argument",
                column: column)
        }
    }

    private func select(_ values: [CompiledExpression], _ fallback: CompiledExpression?,
                        _ find: @escaping @Sendable (ParameterRow) -> Int?) -> CompiledExpression
    {
        switch values[0] {
        case .number:
            let fs = values.compactMap { if case .number(let f) = $0 { f } else { nil } }
            let other: @Sendable (ParameterRow) -> Double = if case .number(let d) = fallback { d } else { { _ in .nan } }
            return .number { row in find(row).map { fs[$0](row) } ?? other(row) }
        case .string:
            let fs = values.compactMap { if case .string(let f) = $0 { f } else { nil } }
            let other: @Sendable (ParameterRow) -> String = if case .string(let d) = fallback { d } else { { _ in "" } }
            return .string { row in find(row).map { fs[$0](row) } ?? other(row) }
        case .bool:
            let fs = values.compactMap { if case .bool(let f) = $0 { f } else { nil } }
            let other: @Sendable (ParameterRow) -> Bool = if case .bool(let d) = fallback { d } else { { _ in false } }
            return .bool { row in find(row).map { fs[$0](row) } ?? other(row) }
        }
    }
}
