/// Checking one request value against a parameter, with pydantic's issue types and messages.
extension ParameterSpec {
    /// The value as a `ParameterValue`, or nil after appending every issue found.
    func validate(_ value: JSONValue, at location: @autoclosure () -> [LocationPart], issues: inout [Issue]) -> ParameterValue? {
        if case .null = value {
            if parameter.nullable { return .missing }
            issues.append(typeIssue(value, location()))
            return nil
        }
        switch parameter.type {
        case .float:
            guard case .number(let n) = value else { issues.append(typeIssue(value, location())); return nil }
            guard n.double.isFinite else {
                issues.append(Issue(type: .valueError, loc: location(), msg: "Input should be a finite number", input: value))
                return nil
            }
            return checkBounds(n.double, value, location, &issues) ? .number(n.double) : nil
        case .int:
            guard case .number(let n) = value else { issues.append(typeIssue(value, location())); return nil }
            guard n.double.isFinite else {
                issues.append(Issue(type: .valueError, loc: location(), msg: "Input should be a finite number", input: value))
                return nil
            }
            guard n.isIntegral else {
                issues.append(Issue(type: .intFromFloat, loc: location(),
                                    msg: "Input should be a valid integer, got a number with a fractional part", input: value))
                return nil
            }
            return checkBounds(n.double, value, location, &issues) ? .number(n.double) : nil
        case .bool:
            guard case .bool(let b) = value else { issues.append(typeIssue(value, location())); return nil }
            return .bool(b)
        case .str:
            guard case .string(let s) = value else { issues.append(typeIssue(value, location())); return nil }
            return checkString(s, value, location, &issues) ? .string(s) : nil
        case .enum:
            return option(matching: value) ?? {
                issues.append(typeIssue(value, location()))
                return nil
            }()
        }
    }

    private func option(matching value: JSONValue) -> ParameterValue? {
        for option in parameter.options {
            switch (option, value) {
            case (.string(let a), .string(let b)) where a == b: return .string(a)
            case (.number(let a), .number(let b)) where a.double == b.double: return .number(a.double)
            default: continue
            }
        }
        return nil
    }

    /// The issue for a value of the wrong JSON type (or a non-option for enums).
    func typeIssue(_ value: JSONValue, _ loc: [LocationPart]) -> Issue {
        switch parameter.type {
        case .float: Issue(type: .floatType, loc: loc, msg: "Input should be a valid number", input: value)
        case .int: Issue(type: .intType, loc: loc, msg: "Input should be a valid integer", input: value)
        case .bool: Issue(type: .boolType, loc: loc, msg: "Input should be a valid boolean", input: value)
        case .str: Issue(type: .stringType, loc: loc, msg: "Input should be a valid string", input: value)
        case .enum:
            Issue(type: .`enum`, loc: loc, msg: "Input should be \(expectedOptions)", input: value,
                  context: .object(JSONObject([("expected", .string(expectedOptions))])))
        }
    }

    private func checkBounds(_ x: Double, _ value: JSONValue, _ location: () -> [LocationPart], _ issues: inout [Issue]) -> Bool {
        let count = issues.count
        func fail(_ type: IssueType, _ words: String, _ key: String, _ bound: Double) {
            issues.append(Issue(type: type, loc: location(), msg: "Input should be \(words) \(Self.format(bound))", input: value,
                                context: .object(JSONObject([(key, Self.json(bound))]))))
        }
        if let bound = parameter.exclusiveMinimum, !(x > bound) { fail(.greaterThan, "greater than", "gt", bound) }
        if let bound = parameter.minimum, !(x >= bound) { fail(.greaterThanEqual, "greater than or equal to", "ge", bound) }
        if let bound = parameter.exclusiveMaximum, !(x < bound) { fail(.lessThan, "less than", "lt", bound) }
        if let bound = parameter.maximum, !(x <= bound) { fail(.lessThanEqual, "less than or equal to", "le", bound) }
        return issues.count == count
    }

    private func checkString(_ s: String, _ value: JSONValue, _ location: () -> [LocationPart], _ issues: inout [Issue]) -> Bool {
        let count = issues.count
        if parameter.minLength != nil || parameter.maxLength != nil {
            let length = s.unicodeScalars.count
            if let min = parameter.minLength, length < min {
                issues.append(Issue(type: .stringTooShort, loc: location(),
                                    msg: "String should have at least \(min) character\(min == 1 ? "" : "s")", input: value,
                                    context: .object(JSONObject([("min_length", .integer(min))]))))
            }
            if let max = parameter.maxLength, length > max {
                issues.append(Issue(type: .stringTooLong, loc: location(),
                                    msg: "String should have at most \(max) character\(max == 1 ? "" : "s")", input: value,
                                    context: .object(JSONObject([("max_length", .integer(max))]))))
            }
        }
        if let pattern, !pattern.matches(s) {
            issues.append(Issue(type: .stringPatternMismatch, loc: location(), msg: "String should match pattern '\(pattern.source)'",
                                input: value, context: .object(JSONObject([("pattern", .string(pattern.source))]))))
        }
        return issues.count == count
    }

    /// A GET query value converted by type (kedro style), then validated like a body value:
    /// numbers parse as decimals, bools are true/false/1/0, enum number options match text
    /// that parses to them.
    func validate(query text: String, at loc: [LocationPart], issues: inout [Issue]) -> ParameterValue? {
        let input = JSONValue.string(text)
        // An empty value is null for nullable non-string parameters (`?b=`).
        if text.isEmpty, parameter.nullable, parameter.type != .str { return .missing }
        switch parameter.type {
        case .str:
            return validate(input, at: loc, issues: &issues)
        case .bool:
            switch text.lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default:
                issues.append(Issue(type: .boolParsing, loc: loc, msg: "Input should be a valid boolean, unable to interpret input", input: input))
                return nil
            }
        case .int, .float:
            guard let number = Self.parseNumber(text) else {
                let (type, msg) = parameter.type == .int
                    ? (IssueType.intParsing, "Input should be a valid integer, unable to parse string as an integer")
                    : (IssueType.floatParsing, "Input should be a valid number, unable to parse string as a number")
                issues.append(Issue(type: type, loc: loc, msg: msg, input: input))
                return nil
            }
            var found: [Issue] = []
            let value = validate(.number(number), at: loc, issues: &found)
            issues += found.map { var issue = $0; issue.input = input; return issue }
            return value
        case .enum:
            if let value = option(matching: input) { return value }
            if let number = Self.parseNumber(text), let value = option(matching: .number(number)) { return value }
            issues.append(typeIssue(input, loc))
            return nil
        }
    }

    /// A decimal number in query text (`5`, `-1.5e3`, `inf`, `nan`); nil for anything else.
    static func parseNumber(_ text: String) -> JSONNumber? {
        let trimmed = text.trimmingSpaces
        if let int = Int64(trimmed) { return JSONNumber(int) }
        let lower = trimmed.lowercased()
        if ["inf", "+inf", "-inf", "infinity", "-infinity", "nan"].contains(lower) { return JSONNumber(Double(lower) ?? .nan) }
        guard !trimmed.isEmpty, trimmed.unicodeScalars.allSatisfy({ "0123456789.eE+-".unicodeScalars.contains($0) }),
              let double = Double(trimmed) else { return nil }
        return JSONNumber(double)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
