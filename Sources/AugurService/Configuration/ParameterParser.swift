/// Reads one entry of a route's `parameters:` into a `Parameter`, checking every key.
struct ParameterParser {
    static let keys = ["type", "options", "min", "max", "exclusive_min", "exclusive_max", "min_length", "max_length",
                       "pattern", "required", "default", "nullable", "description", "label", "unit", "example"]
    /// The largest `min_length` / `max_length`: 1 MiB, a string no longer than the default body.
    static let maxStringLength = 1 << 20

    /// The parameter, or nil when it has errors (recorded in `reader`).
    static func parse(_ name: String, _ node: ConfigNode, reader: inout ConfigReader) -> ParameterSpec? {
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: keys)
        let before = reader.errors.count
        var values: [String: ConfigNode] = [:]
        for entry in entries { values[entry.key] = entry.value }
        guard let typeNode = values["type"] else {
            reader.error(node, .missingKey, "missing 'type'; expected one of \(typeList).")
            return nil
        }
        guard let typeName = reader.string(typeNode) else { return nil }
        guard let type = Parameter.Kind(rawValue: typeName) else {
            reader.error(typeNode, .invalidValue, "unknown type '\(typeName)'; expected one of \(typeList).")
            return nil
        }
        var fields = Fields()
        fields.read(values, type: type, reader: &reader)
        let options = type == .enum ? readOptions(values["options"], node, reader: &reader) : []
        if type != .enum, let optionsNode = values["options"] {
            reader.error(optionsNode, .conflictingKeys, "'options' is only for parameters of type enum, not '\(type.rawValue)'.")
        }
        var parameter = Parameter(
            name: name, type: type, required: fields.required, defaultValue: nil, nullable: fields.nullable,
            minimum: fields.minimum, maximum: fields.maximum, exclusiveMinimum: fields.exclusiveMinimum,
            exclusiveMaximum: fields.exclusiveMaximum, minLength: fields.minLength, maxLength: fields.maxLength,
            pattern: fields.pattern, options: options, description: fields.description.text, unit: fields.unit, example: nil,
            localizedDescription: fields.description, label: fields.label)
        guard reader.errors.count == before, let spec = ParameterSpec(parameter, reader: &reader, at: node) else { return nil }
        // Defaults and examples must themselves pass the parameter's checks.
        let defaultValue = values["default"].flatMap { checkedValue($0, spec, reader: &reader) }
        let example = values["example"].flatMap { checkedValue($0, spec, reader: &reader) }
        if let requiredNode = values["required"], fields.required, defaultValue != nil {
            reader.error(requiredNode, .conflictingKeys, "'required: true' contradicts 'default'; a parameter with a default is optional.")
        }
        parameter = Parameter(
            name: name, type: type, required: fields.required && values["default"] == nil, defaultValue: defaultValue,
            nullable: fields.nullable, minimum: fields.minimum, maximum: fields.maximum,
            exclusiveMinimum: fields.exclusiveMinimum, exclusiveMaximum: fields.exclusiveMaximum,
            minLength: fields.minLength, maxLength: fields.maxLength, pattern: fields.pattern, options: options,
            description: fields.description.text, unit: fields.unit, example: example,
            localizedDescription: fields.description, label: fields.label)
        guard reader.errors.count == before else { return nil }
        return ParameterSpec(parameter, reader: &reader, at: node)
    }

    static var typeList: String { Parameter.Kind.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func readOptions(_ node: ConfigNode?, _ parent: ConfigNode, reader: inout ConfigReader) -> [JSONValue] {
        guard let node else {
            reader.error(parent, .missingKey, "an enum needs 'options', a list of strings or numbers.")
            return []
        }
        guard let items = reader.sequence(node) else { return [] }
        var options: [JSONValue] = []
        for item in items {
            switch YAMLScalar.value(item.node) {
            case .string(let s)?: options.append(.string(s))
            case .number(let n)?: options.append(.number(n))
            default: reader.error(item, .wrongType, "an option must be a string or a number, not \(reader.describe(item.node)).")
            }
            if let last = options.last, options.dropLast().contains(last) {
                reader.error(item, .invalidValue, "option \(reader.describe(item.node)) appears twice.")
            }
        }
        if items.isEmpty { reader.error(node, .invalidValue, "an enum needs at least one option.") }
        let numbers = options.filter { if case .number = $0 { true } else { false } }.count
        if numbers > 0 && numbers < options.count {
            reader.error(node, .wrongType, "options must be all strings or all numbers, not a mix.")
        }
        return options
    }

    /// A YAML value (default or example) as JSON, checked like a request value would be.
    private static func checkedValue(_ node: ConfigNode, _ spec: ParameterSpec, reader: inout ConfigReader) -> JSONValue? {
        guard var value = YAMLScalar.value(node.node) else {
            reader.error(node, .wrongType, "expected a single value, found \(reader.kind(node.node)).")
            return nil
        }
        if spec.parameter.type == .str, case .scalar(let scalar) = node.node, value != .null {
            value = .string(scalar.string)
        }
        var issues: [Issue] = []
        _ = spec.validate(value, at: [], issues: &issues)
        if let issue = issues.first {
            reader.error(node, .invalidValue, "\(reader.describe(node.node)) is not a valid value: \(issue.msg).")
            return nil
        }
        return value
    }
}

/// The optional keys of a parameter, read and checked against its type.
private struct Fields {
    var required = ServiceDefaults.required
    var nullable = ServiceDefaults.nullable
    var minimum: Double?, maximum: Double?, exclusiveMinimum: Double?, exclusiveMaximum: Double?
    var minLength: Int?, maxLength: Int?
    var pattern: String?
    var description = LocalizedText("")
    var label: LocalizedText?
    var unit: String?

    mutating func read(_ values: [String: ConfigNode], type: Parameter.Kind, reader: inout ConfigReader) {
        if let n = values["required"] { required = reader.bool(n) ?? required }
        if let n = values["nullable"] { nullable = reader.bool(n) ?? nullable }
        if let n = values["description"] { description = reader.localizedText(n) ?? description }
        if let n = values["label"] { label = reader.localizedText(n) }
        if let n = values["unit"] { unit = reader.string(n) }
        let numeric = type == .int || type == .float
        for key in ["min", "max", "exclusive_min", "exclusive_max"] {
            guard let n = values[key] else { continue }
            guard numeric else {
                reader.error(n, .conflictingKeys, "'\(key)' is only for int and float parameters, not '\(type.rawValue)'.")
                continue
            }
            let value = reader.number(n)
            switch key {
            case "min": minimum = value
            case "max": maximum = value
            case "exclusive_min": exclusiveMinimum = value
            default: exclusiveMaximum = value
            }
        }
        for key in ["min_length", "max_length", "pattern"] where values[key] != nil && type != .str {
            if let n = values[key] { reader.error(n, .conflictingKeys, "'\(key)' is only for str parameters, not '\(type.rawValue)'.") }
        }
        guard type == .str else { return }
        // Capped: the OpenAPI example of a required str parameter is `min_length` characters.
        if let n = values["min_length"] { minLength = reader.int(n, in: 0...ParameterParser.maxStringLength) }
        if let n = values["max_length"] { maxLength = reader.int(n, in: 0...ParameterParser.maxStringLength) }
        if let n = values["pattern"] { pattern = reader.string(n) }
        if let lo = minLength, let hi = maxLength, lo > hi, let n = values["max_length"] {
            reader.error(n, .conflictingKeys, "'max_length' \(hi) is less than 'min_length' \(lo).")
        }
        // Without `max_length`, a str is bounded all the same (and never below its minimum).
        if values["max_length"] == nil { maxLength = Swift.max(ServiceDefaults.maxLength, minLength ?? 0) }
    }
}
