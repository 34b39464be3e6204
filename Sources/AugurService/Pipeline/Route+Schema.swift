/// JSON Schemas (OpenAPI 3.1 dialect) and an example request, built from the parameters.
extension Route {
    /// JSON Schema of one request object: types, enums, bounds, lengths, patterns, defaults,
    /// examples and descriptions (with the unit).
    public func requestSchema() -> JSONValue {
        var properties = JSONObject()
        var required: [JSONValue] = []
        for parameter in parameters {
            properties[parameter.name] = Self.schema(of: parameter)
            if parameter.required { required.append(.string(parameter.name)) }
        }
        var schema = JSONObject()
        schema["title"] = .string(RouteParser.title(name) + " request")
        schema["type"] = "object"
        schema["properties"] = .object(properties)
        if !required.isEmpty { schema["required"] = .array(required) }
        if !pipeline.schema.allowUnknownFields { schema["additionalProperties"] = false }
        // Rules relate several fields, which JSON Schema cannot say: documented as an
        // extension, and a failure is a 422 `rule_failed` on otherwise schema-valid data.
        let rules = pipeline.schema.rules
        if !rules.isEmpty {
            schema["x-augur-rules"] = .array(rules.map { rule in
                var object = JSONObject([("rule", .string(rule.source)), ("message", .string(rule.message))])
                if let field = rule.locName { object.append("field", .string(field)) }
                if !rule.messages.translations.isEmpty { object.append("messages", rule.messages.translationsJSON) }
                return .object(object)
            })
        }
        return .object(schema)
    }

    static func schema(of parameter: Parameter) -> JSONValue {
        var s = JSONObject()
        let type: JSONValue = switch parameter.type {
        case .int: "integer"
        case .float: "number"
        case .str: "string"
        case .bool: "boolean"
        case .enum: parameter.options.first.map { if case .number(let n) = $0 { n.int64 != nil ? "integer" : "number" } else { "string" } } ?? "string"
        }
        s["type"] = parameter.nullable ? .array([type, "null"]) : type
        if parameter.type == .enum { s["enum"] = .array(parameter.options + (parameter.nullable ? [.null] : [])) }
        if let v = parameter.minimum { s["minimum"] = ParameterSpec.json(v) }
        if let v = parameter.maximum { s["maximum"] = ParameterSpec.json(v) }
        if let v = parameter.exclusiveMinimum { s["exclusiveMinimum"] = ParameterSpec.json(v) }
        if let v = parameter.exclusiveMaximum { s["exclusiveMaximum"] = ParameterSpec.json(v) }
        if let v = parameter.minLength { s["minLength"] = .integer(v) }
        if let v = parameter.maxLength { s["maxLength"] = .integer(v) }
        if let v = parameter.pattern { s["pattern"] = .string(v) }
        if let v = parameter.defaultValue { s["default"] = v }
        if let v = parameter.example { s["examples"] = .array([v]) }
        var description = parameter.description
        if let unit = parameter.unit {
            description += description.isEmpty ? "Unit: \(unit)." : (description.hasSuffix(".") ? " " : ". ") + "Unit: \(unit)."
        }
        if !description.isEmpty { s["description"] = .string(description) }
        return .object(s)
    }

    /// JSON Schema of one (non-batch) response: a prediction and the model that made it.
    public func responseSchema() -> JSONValue {
        schema(title: "response", model: true)
    }

    /// JSON Schema of one item of a batch response: a prediction without the model, which
    /// the batch names once.
    public func predictionSchema() -> JSONValue {
        schema(title: "prediction", model: false)
    }

    private func schema(title: String, model: Bool) -> JSONValue {
        var properties = JSONObject()
        if isClassifier {
            var prediction: JSONObject = ["type": "string", "description": "The predicted class's label."]
            if !labels.isEmpty { prediction["enum"] = .array(labels.map { .string($0) }) }
            properties["prediction"] = .object(prediction)
            properties["class"] = ["type": ["integer", "string"], "description": "The predicted class code."]
            properties["probability"] = ["type": "number", "minimum": 0, "maximum": 1, "description": "Probability of the predicted class."]
            if probabilities {
                properties["probabilities"] = ["type": "object", "additionalProperties": ["type": "number"],
                                               "description": "Probability of each class, keyed by label."]
            }
        } else {
            var prediction: JSONObject = ["type": "number"]
            prediction["description"] = .string("The predicted value" + (unit.map { ", in \($0)." } ?? "."))
            properties["prediction"] = .object(prediction)
            if let unit { properties["unit"] = ["type": "string", "enum": [.string(unit)]] }
        }
        if model {
            properties["model"] = [
                "type": "object",
                "properties": ["name": ["type": "string"], "version": ["type": "string"]],
                "required": ["name", "version"],
            ]
        }
        var schema = JSONObject()
        schema["title"] = .string(RouteParser.title(name) + " " + title)
        schema["type"] = "object"
        schema["properties"] = .object(properties)
        schema["required"] = model ? ["prediction", "model"] : ["prediction"]
        return .object(schema)
    }

    /// An example request: each parameter's example, else its default, else its first option,
    /// else a value within its bounds; optional parameters without either are left out.
    public func exampleRequest() -> JSONValue {
        var object = JSONObject()
        for parameter in parameters {
            if let example = parameter.example {
                object[parameter.name] = example
            } else if let value = parameter.defaultValue {
                object[parameter.name] = value
            } else if parameter.required {
                object[parameter.name] = Self.placeholder(for: parameter)
            }
        }
        return .object(object)
    }

    private static func placeholder(for p: Parameter) -> JSONValue {
        switch p.type {
        case .enum: return p.options.first ?? .null
        case .bool: return false
        case .str: return .string(String(repeating: "a", count: max(1, p.minLength ?? 1)))
        case .int, .float:
            var x = 0.0
            if let lo = p.minimum { x = Swift.max(x, lo) }
            if let lo = p.exclusiveMinimum, x <= lo { x = lo + 1 }
            if let hi = p.maximum { x = Swift.min(x, hi) }
            if let hi = p.exclusiveMaximum, x >= hi { x = hi - 1 }
            return p.type == .int ? ParameterSpec.json(x.rounded(.up)) : ParameterSpec.json(x)
        }
    }
}
