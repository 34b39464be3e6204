/// A cross-field rule: an expression that must hold, and the message shown when it does not.
struct RuleSpec: Sendable {
    let check: @Sendable (ParameterRow) -> Bool
    let source: String
    let message: String
    /// Parameters the rule reads; it runs only when all of them are valid.
    let parameterIndices: [Int]
    /// Where a failure is reported: the first parameter the rule uses, or the row.
    let locName: String?
}

/// A route's request schema: decodes rows into typed parameter values, collecting every
/// problem across all rows (pydantic-style issues), then checks the rules.
struct RouteSchema: Sendable {
    let parameters: [ParameterSpec]
    let rules: [RuleSpec]
    let allowUnknownFields: Bool
    private let index: [String: Int]

    init(parameters: [ParameterSpec], rules: [RuleSpec], allowUnknownFields: Bool) {
        self.parameters = parameters
        self.rules = rules
        self.allowUnknownFields = allowUnknownFields
        var index: [String: Int] = [:]
        for (i, p) in parameters.enumerated() { index[p.name] = i }
        self.index = index
    }

    func position(of name: String) -> Int? {
        if parameters.count <= 8 {
            for i in parameters.indices where parameters[i].name == name { return i }
            return nil
        }
        return index[name]
    }

    /// Decodes one JSON row into `storage[base ..< base + parameters.count]`.
    func decode(_ row: JSONValue, at loc: [LocationPart], into storage: inout [ParameterValue], base: Int,
                issues: inout [Issue]) {
        guard case .object(let object) = row else {
            issues.append(Issue(type: "model_attributes_type", loc: loc,
                                msg: "Input should be a valid dictionary or object to extract fields from", input: row))
            return
        }
        let count = parameters.count
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * count) { flags in
            // flags[i]: parameter i was present; flags[count + i]: parameter i is valid.
            flags.initialize(repeating: false)
            for i in 0..<count { flags[count + i] = true }
            for member in object.members {
                guard let i = position(of: member.key) else {
                    if !allowUnknownFields {
                        issues.append(Issue(type: "extra_forbidden", loc: loc + [.key(member.key)],
                                            msg: "Extra inputs are not permitted", input: member.value))
                    }
                    continue
                }
                flags[i] = true
                if let value = parameters[i].validate(member.value, at: loc + [.key(member.key)], issues: &issues) {
                    storage[base + i] = value
                } else {
                    flags[count + i] = false
                }
            }
            for i in 0..<count where !flags[i] {
                let spec = parameters[i]
                if spec.parameter.required {
                    issues.append(Issue(type: "missing", loc: loc + [.key(spec.name)], msg: "Field required", input: row))
                    flags[count + i] = false
                } else {
                    storage[base + i] = spec.absentValue
                }
            }
            guard !rules.isEmpty else { return }
            checkRules(ParameterRow(storage, base: base), valid: UnsafeBufferPointer(rebasing: flags[count...]),
                       row: object, at: loc, issues: &issues)
        }
    }

    /// Decodes GET query pairs (the last of repeated names wins) into `storage[0 ..< count]`.
    func decode(query: [(String, String)], into storage: inout [ParameterValue], issues: inout [Issue]) {
        let count = parameters.count
        var seen = [Bool](repeating: false, count: count)
        var valid = [Bool](repeating: true, count: count)
        var object = JSONObject()
        for (name, text) in query { object[name] = .string(text) }
        for member in object.members {
            let loc: [LocationPart] = ["query", .key(member.key)]
            guard let i = position(of: member.key) else {
                if !allowUnknownFields {
                    issues.append(Issue(type: "extra_forbidden", loc: loc, msg: "Extra inputs are not permitted", input: member.value))
                }
                continue
            }
            seen[i] = true
            let text = member.value.string ?? ""
            if let value = parameters[i].validate(query: text, at: loc, issues: &issues) {
                storage[i] = value
            } else {
                valid[i] = false
            }
        }
        for i in 0..<count where !seen[i] {
            if parameters[i].parameter.required {
                issues.append(Issue(type: "missing", loc: ["query", .key(parameters[i].name)], msg: "Field required",
                                    input: .object(object)))
                valid[i] = false
            } else {
                storage[i] = parameters[i].absentValue
            }
        }
        valid.withUnsafeBufferPointer { checkRules(ParameterRow(storage), valid: $0, row: object, at: ["query"], issues: &issues) }
    }

    private func checkRules(_ row: ParameterRow, valid: UnsafeBufferPointer<Bool>, row object: JSONObject, at loc: [LocationPart],
                            issues: inout [Issue]) {
        for rule in rules where rule.parameterIndices.allSatisfy({ valid[$0] }) && !rule.check(row) {
            let where_ = loc + (rule.locName.map { [.key($0)] } ?? [])
            let input = rule.locName.flatMap { object[$0] } ?? .object(object)
            issues.append(Issue(type: "rule_failed", loc: where_, msg: rule.message, input: input,
                                context: .object(JSONObject([("rule", .string(rule.source))]))))
        }
    }
}
