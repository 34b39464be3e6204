import AugurEngine

/// Building a `FeatureBuilder` from a route's `features:` and checking it against the model.
extension FeatureBuilder {
    /// The builder, or nil after recording config errors.
    static func make(route: RouteConfiguration, inputs: [Graph.Input], reader: inout ConfigReader) -> FeatureBuilder? {
        let before = reader.errors.count
        var built: [Input] = []
        let parameters = route.schema.parameters
        switch route.features {
        case .list(let features, let location):
            guard inputs.count == 1, let input = inputs.first else {
                reader.error(line: location.line, path: location.path, .modelMismatch,
                             "a features list is for a model with one input; this model takes \(inputs.count) (\(names(inputs))). Map each input by name instead.")
                return nil
            }
            built.append(contentsOf: listInput(input, features.map { ($0.expression, $0.location) }, location, reader: &reader))
        case .map(let features, let location):
            for feature in features where !inputs.contains(where: { $0.name == feature.input }) {
                let hint = Suggestion.closest(to: feature.input, in: inputs.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
                reader.error(line: feature.feature.location.line, path: feature.feature.location.path, .modelMismatch,
                             "the model has no input '\(feature.input)'\(hint) (inputs: \(names(inputs))).")
            }
            for input in inputs {
                guard let feature = features.first(where: { $0.input == input.name }) else {
                    reader.error(line: location.line, path: location.path, .modelMismatch, "model input '\(input.name)' has no feature expression.")
                    continue
                }
                built.append(contentsOf: scalarInput(input, [(feature.feature.expression, feature.feature.location)], reader: &reader))
            }
        case .byName:
            built = byName(route, inputs, parameters, reader: &reader)
        }
        guard reader.errors.count == before else { return nil }
        return FeatureBuilder(inputs: built)
    }

    private static func byName(_ route: RouteConfiguration, _ inputs: [Graph.Input], _ parameters: [ParameterSpec],
                               reader: inout ConfigReader) -> [Input] {
        let location = SourceLocation(line: route.location.line, path: route.location.path)
        // One [N, k] input and k parameters: the parameters in order (kedro-fast-api style).
        if inputs.count == 1, let input = inputs.first, let shape = input.type.tensorType?.shape, shape.count == 2,
           shape[1] != 1, !parameters.contains(where: { $0.name == input.name }) {
            let columns = parameters.enumerated().compactMap { i, p -> (Expression, SourceLocation)? in
                guard let e = try? Expression(p.name, scope: scope(parameters)) else { return nil }
                return (e, SourceLocation(line: location.line, path: "\(location.path).parameters.\(p.name)"))
            }
            return listInput(input, columns, location, reader: &reader)
        }
        var built: [Input] = []
        for input in inputs {
            guard parameters.contains(where: { $0.name == input.name }),
                  let e = try? Expression(input.name, scope: scope(parameters)) else {
                reader.error(line: location.line, path: location.path, .modelMismatch,
                             "model input '\(input.name)' has no parameter of the same name; add one or map inputs under features: (inputs: \(names(inputs))).")
                continue
            }
            built.append(contentsOf: scalarInput(input, [(e, SourceLocation(line: location.line, path: "\(location.path).parameters.\(input.name)"))], reader: &reader))
        }
        return built
    }

    /// For a model whose list input leaves its width open (`[N, ?]` or no shape), whether
    /// the model takes the features list's width: one row of zeros ("" for text) runs
    /// through `plan`; the engine's refusal (a tree reading a feature past the list, a matrix
    /// of another width) is returned, so that it is a configuration error and not a 500 at the
    /// first request. Nil when it runs, or when no input's width is open.
    func openWidthProblem(_ plan: Plan) -> String? {
        guard plan.inputs.contains(where: { $0.type.tensorType?.hasOpenRowWidth ?? false }), inputs.count == plan.inputs.count else {
            return nil
        }
        do {
            let feeds: [Value] = try inputs.map { input in
                let shape = input.rank == 2 ? [1, input.columns.count] : [1]
                let n = input.columns.count
                let zeros: Tensor = switch input.elementType {
                case .float32: try Tensor(float32: Array(repeating: 0, count: n), shape: shape)
                case .float64: try Tensor(float64: Array(repeating: 0, count: n), shape: shape)
                case .int64: try Tensor(int64: Array(repeating: 0, count: n), shape: shape)
                case .int32: try Tensor(int32: Array(repeating: 0, count: n), shape: shape)
                case .bool: try Tensor(bool: Array(repeating: false, count: n), shape: shape)
                case .string: try Tensor(string: Array(repeating: "", count: n), shape: shape)
                }
                return .tensor(zeros)
            }
            _ = try plan.run(feeds)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func scope(_ parameters: [ParameterSpec]) -> ExpressionScope {
        var scope = ExpressionScope()
        for (i, p) in parameters.enumerated() { scope.add(p.name, index: i, type: p.expressionType) }
        return scope
    }

    private static func listInput(_ input: Graph.Input, _ columns: [(Expression, SourceLocation)], _ location: SourceLocation,
                                  reader: inout ConfigReader) -> [Input] {
        // No declared shape: a [N, k] input whose k the features list gives.
        guard let type = input.type.tensorType, case let shape = type.rowsShape, shape.count == 2 else {
            reader.error(line: location.line, path: location.path, .modelMismatch,
                         "model input '\(input.name)' is \(input.type), not a [N, k] tensor, so it cannot take a list of features.")
            return []
        }
        if let k = shape[1], k != columns.count {
            reader.error(line: location.line, path: location.path, .modelMismatch,
                         "model input '\(input.name)' has shape [N, \(k)], so it needs \(k) features in model order, not \(columns.count).")
            return []
        }
        return checked(input, type.elementType, columns, rank: 2, reader: &reader)
    }

    private static func scalarInput(_ input: Graph.Input, _ columns: [(Expression, SourceLocation)], reader: inout ConfigReader) -> [Input] {
        let location = columns.first?.1 ?? SourceLocation(line: nil, path: "")
        guard let type = input.type.tensorType else {
            reader.error(line: location.line, path: location.path, .modelMismatch, "model input '\(input.name)' is \(input.type), which parameters cannot feed.")
            return []
        }
        let shape = type.shape ?? [nil, 1]
        guard shape.count == 1 || (shape.count == 2 && (shape[1] == 1 || shape[1] == nil)) else {
            reader.error(line: location.line, path: location.path, .modelMismatch,
                         "model input '\(input.name)' is \(type), not one value per row ([N] or [N, 1]); give it a features list.")
            return []
        }
        return checked(input, type.elementType, columns, rank: shape.count, reader: &reader)
    }

    private static func checked(_ input: Graph.Input, _ elementType: ElementType, _ columns: [(Expression, SourceLocation)],
                                rank: Int, reader: inout ConfigReader) -> [Input] {
        for (expression, location) in columns {
            let ok = switch (expression.type, elementType) {
            case (.string, .string): true
            case (.string, _), (_, .string): false
            default: true
            }
            if !ok {
                reader.error(line: location.line, path: location.path, .modelMismatch,
                             "'\(expression.source)' is a \(expression.type), but model input '\(input.name)' takes \(elementType).")
            }
        }
        return [Input(name: input.name, elementType: elementType, columns: columns.map(\.0.compiled), rank: rank,
                      sources: columns.map(\.0.source), parameters: columns.map(\.0.parameterIndices))]
    }

    private static func names(_ inputs: [Graph.Input]) -> String {
        inputs.map { "'\($0.name)' \($0.type)" }.joined(separator: ", ")
    }
}
