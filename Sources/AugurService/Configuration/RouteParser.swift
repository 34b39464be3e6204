import Yams

/// Reads one entry of `routes:` (augur or kedro-fast-api syntax) into a `RouteConfiguration`.
struct RouteParser {
    static let keys = ["model", "predictor", "summary", "description", "parameters", "rules", "features", "output",
                       "allow_unknown_fields", "batching", "log"]

    var reader: ConfigReader
    let models: ModelResolver
    let allowUnknownFields: Bool

    mutating func parse(_ name: String, _ node: ConfigNode) -> (RouteConfiguration?, ModelEntry?) {
        guard let entries = reader.mapping(node) else { return (nil, nil) }
        reader.checkKeys(entries, allowed: Self.keys)
        var values: [String: ConfigNode] = [:]
        for entry in entries { values[entry.key] = entry.value }
        let before = reader.errors.count
        let model = modelReference(values, node)
        let (parameters, failed) = parseParameters(values["parameters"], node)
        var scope = ExpressionScope()
        for (i, spec) in parameters.enumerated() {
            scope.add(spec.name, index: i, type: spec.expressionType, options: spec.parameter.type == .enum ? spec.optionKeys : [])
        }
        // Parameters with errors stay known to expressions, so their mistakes are not repeated there.
        for (name, type) in failed where scope.entries[name] == nil { scope.add(name, index: 0, type: type) }
        let rules = values["rules"].map { parseRules($0, scope: scope) } ?? []
        let features = values["features"].map { parseFeatures($0, scope: scope) } ?? .byName
        let output = values["output"].map { OutputParser.parse($0, reader: &reader) } ?? OutputSpec()
        let allowUnknown = values["allow_unknown_fields"].flatMap { reader.bool($0) } ?? allowUnknownFields
        let batching = values["batching"].flatMap { BatchingSettings.parse($0, reader: &reader) }
        let log = values["log"].flatMap {
            PredictionLogSettings.parse($0, parameters: parameters.map(\.name), folder: models.folder, reader: &reader)
        }
        let summary = values["summary"].flatMap { reader.localizedText($0) } ?? LocalizedText("")
        let description = values["description"].flatMap { reader.localizedText($0) } ?? LocalizedText("")
        guard reader.errors.count == before, let model else { return (nil, nil) }
        let schema = RouteSchema(parameters: parameters, rules: rules, allowUnknownFields: allowUnknown)
        let route = RouteConfiguration(
            name: name, location: SourceLocation(line: node.line, path: node.path), modelName: model.entry.name,
            modelLocation: model.location, summary: summary.text.isEmpty ? LocalizedText(Self.title(name)) : summary, description: description,
            schema: schema, features: features, output: output, batching: batching, log: log)
        return (route, model.entry)
    }

    /// `loan_status` → `Loan status`.
    static func title(_ name: String) -> String {
        let words = name.replacingUnderscores
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    private mutating func modelReference(_ values: [String: ConfigNode], _ node: ConfigNode)
        -> (entry: ModelEntry, location: SourceLocation)?
    {
        if values["model"] != nil, let predictor = values["predictor"] {
            reader.error(predictor, .conflictingKeys, "give either 'model' or 'predictor' (kedro-fast-api), not both.")
            return nil
        }
        guard let refNode = values["model"] ?? values["predictor"] else {
            reader.error(node, .missingKey, "missing 'model': a name under models: or a path to an .onnx file.")
            return nil
        }
        guard let reference = reader.string(refNode) else { return nil }
        let location = SourceLocation(line: refNode.line, path: refNode.path)
        guard let entry = models.resolve(reference, at: refNode, reader: &reader) else { return nil }
        return (entry, location)
    }

    private mutating func parseParameters(_ node: ConfigNode?, _ route: ConfigNode)
        -> ([ParameterSpec], failed: [(String, ExpressionType)])
    {
        guard let node, let entries = reader.mapping(node) else { return ([], []) }
        var specs: [ParameterSpec] = []
        var failed: [(String, ExpressionType)] = []
        for entry in entries {
            if let spec = ParameterParser.parse(entry.key, entry.value, reader: &reader) {
                specs.append(spec)
            } else {
                let type = entry.value.node.mapping?["type"]?.string
                failed.append((entry.key, type == "str" || type == "enum" ? .string : type == "bool" ? .bool : .number))
            }
        }
        return (specs, failed)
    }

    private mutating func parseRules(_ node: ConfigNode, scope: ExpressionScope) -> [RuleSpec] {
        guard let items = reader.sequence(node) else { return [] }
        var rules: [RuleSpec] = []
        for item in items {
            guard let entries = reader.mapping(item) else { continue }
            reader.checkKeys(entries, allowed: ["check", "message"])
            guard let checkNode = entries.first(where: { $0.key == "check" })?.value,
                  let source = reader.string(checkNode) else {
                reader.error(item, .missingKey, "a rule needs 'check', an expression that must hold.")
                continue
            }
            let messages = entries.first(where: { $0.key == "message" }).flatMap { reader.localizedText($0.value) }
                ?? LocalizedText("The rule '\(source)' does not hold.")
            guard let expression = compile(source, checkNode, scope: scope) else { continue }
            guard case .bool(let check) = expression.compiled else {
                reader.error(checkNode, .invalidExpression, "the check '\(source)' is a \(expression.type), not a condition (true or false).")
                continue
            }
            rules.append(RuleSpec(check: check, source: source, message: messages.text, messages: messages,
                                  parameterIndices: expression.parameterIndices, locName: expression.parameterNames.first))
        }
        return rules
    }

    private mutating func parseFeatures(_ node: ConfigNode, scope: ExpressionScope) -> FeatureSpec {
        let location = SourceLocation(line: node.line, path: node.path)
        if case .mapping = node.node {
            let entries = reader.mapping(node) ?? []
            let features = entries.compactMap { entry -> (String, FeatureExpression)? in
                guard let source = reader.string(entry.value), let e = compile(source, entry.value, scope: scope) else { return nil }
                return (entry.key, FeatureExpression(expression: e, location: SourceLocation(line: entry.value.line, path: entry.value.path)))
            }
            return .map(features, location)
        }
        let items = reader.sequence(node) ?? []
        let features = items.compactMap { item -> FeatureExpression? in
            guard let source = reader.string(item), let e = compile(source, item, scope: scope) else { return nil }
            return FeatureExpression(expression: e, location: SourceLocation(line: item.line, path: item.path))
        }
        return .list(features, location)
    }

    private mutating func compile(_ source: String, _ node: ConfigNode, scope: ExpressionScope) -> Expression? {
        do {
            return try Expression(source, scope: scope)
        } catch {
            reader.error(node, .invalidExpression, "in '\(source)': \(error.description).")
            return nil
        }
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
