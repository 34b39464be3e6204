#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cross-field rule: an expression that must hold, and the message shown when it does not.
struct RuleSpec: Sendable {
    let check: @Sendable (ParameterRow) -> Bool
    let source: String
    let message: String
    /// `message` per language, when given so.
    let messages: LocalizedText
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
    /// The parameter names in order (scanned by `position(of:)` without touching the specs).
    private let names: [String]
    /// The names' UTF-8, for matching raw JSON keys (`position(ofKey:)`).
    private let nameBytes: [[UInt8]]
    /// Whether every name is ASCII: then a key's bytes equal a name's exactly when the strings
    /// are equal (String equality is Unicode canonical equivalence), as the fast path needs.
    let namesAreASCII: Bool

    init(parameters: [ParameterSpec], rules: [RuleSpec], allowUnknownFields: Bool) {
        self.parameters = parameters
        self.rules = rules
        self.allowUnknownFields = allowUnknownFields
        var index: [String: Int] = [:]
        for (i, p) in parameters.enumerated() { index[p.name] = i }
        self.index = index
        names = parameters.map(\.name)
        nameBytes = names.map { Array($0.utf8) }
        namesAreASCII = nameBytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
    }

    /// The position of the parameter whose name's UTF-8 is exactly `key`.
    func position(ofKey key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard key.count > 0, let start = key.baseAddress else { return nameBytes.firstIndex { $0.isEmpty } }
        for i in nameBytes.indices where nameBytes[i].count == key.count {
            if nameBytes[i].withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, key.count) == 0 }) { return i }
        }
        return nil
    }

    func position(of name: String) -> Int? {
        if names.count <= 8 {
            for i in names.indices where names[i] == name { return i }
            return nil
        }
        return index[name]
    }

    /// Decodes one JSON row into `storage[base ..< base + parameters.count]`.
    func decode(_ row: JSONValue, at loc: [LocationPart], into storage: inout [ParameterValue], base: Int,
                issues: inout [Issue]) {
        guard case .object(let object) = row else {
            issues.append(Issue(type: .modelAttributesType, loc: loc,
                                msg: "Input should be a valid dictionary or object to extract fields from", input: row))
            return
        }
        // Issues come in a stable order: parameters as declared, then unknown fields as sent,
        // then rules.
        let count = parameters.count
        let members = object.members
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { slot in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: count) { valid in
                slot.initialize(repeating: -1)
                valid.initialize(repeating: true)
                var unknown: [Int] = []
                for (m, member) in members.enumerated() {
                    if let i = position(of: member.key) { slot[i] = m } else if !allowUnknownFields { unknown.append(m) }
                }
                // Specs are read in place: copying one retains every string and array in it.
                parameters.withUnsafeBufferPointer { specs in
                    for i in 0..<count {
                        if slot[i] >= 0 {
                            let m = slot[i]
                            if let value = specs[i].validate(members[m].value, at: loc + [.key(members[m].key)], issues: &issues) {
                                storage[base + i] = value
                            } else {
                                valid[i] = false
                            }
                        } else if specs[i].parameter.required {
                            issues.append(Issue(type: .missing, loc: loc + [.key(specs[i].name)], msg: "Field required", input: row))
                            valid[i] = false
                        } else {
                            storage[base + i] = specs[i].absentValue
                        }
                    }
                }
                for m in unknown {
                    issues.append(Issue(type: .extraForbidden, loc: loc + [.key(members[m].key)],
                                        msg: "Extra inputs are not permitted", input: members[m].value))
                }
                guard !rules.isEmpty else { return }
                checkRules(ParameterRow(storage, base: base), valid: UnsafeBufferPointer(valid), row: object, at: loc, issues: &issues)
            }
        }
    }

    /// Decodes text pairs (a GET query, a CSV record) into `storage[base ..< base + count]`:
    /// values converted by parameter type (kedro style), the last of repeated names winning;
    /// issues at `loc + [name]`.
    func decode(text pairs: [(String, String)], at loc: [LocationPart], into storage: inout [ParameterValue], base: Int,
                issues: inout [Issue]) {
        let count = parameters.count
        var valid = [Bool](repeating: true, count: count)
        var object = JSONObject()
        for (name, text) in pairs { object[name] = .string(text) }
        var unknown: [Issue] = []
        var present = [String?](repeating: nil, count: count)
        for member in object.members {
            guard let i = position(of: member.key) else {
                if !allowUnknownFields {
                    unknown.append(Issue(type: .extraForbidden, loc: loc + [.key(member.key)], msg: "Extra inputs are not permitted", input: member.value))
                }
                continue
            }
            present[i] = member.value.string ?? ""
        }
        for i in 0..<count {
            if let text = present[i] {
                if let value = parameters[i].validate(query: text, at: loc + [.key(parameters[i].name)], issues: &issues) {
                    storage[base + i] = value
                } else {
                    valid[i] = false
                }
            } else if parameters[i].parameter.required {
                issues.append(Issue(type: .missing, loc: loc + [.key(parameters[i].name)], msg: "Field required",
                                    input: .object(object)))
                valid[i] = false
            } else {
                storage[base + i] = parameters[i].absentValue
            }
        }
        issues += unknown
        valid.withUnsafeBufferPointer { checkRules(ParameterRow(storage, base: base), valid: $0, row: object, at: loc, issues: &issues) }
    }

    private func checkRules(_ row: ParameterRow, valid: UnsafeBufferPointer<Bool>, row object: JSONObject, at loc: [LocationPart],
                            issues: inout [Issue]) {
        // A rule runs only when every parameter it reads is valid and present: a null or
        // absent optional value is not a broken rule (as a pydantic validator skips None).
        for rule in rules where rule.parameterIndices.allSatisfy({ valid[$0] && row[$0] != .missing })
            && !rule.check(row) {
            let where_ = loc + (rule.locName.map { [.key($0)] } ?? [])
            let input = rule.locName.flatMap { object[$0] } ?? .object(object)
            issues.append(Issue(type: .ruleFailed, loc: where_, msg: rule.message, input: input,
                                context: .object(JSONObject([("rule", .string(rule.source))]))))
        }
    }
}
