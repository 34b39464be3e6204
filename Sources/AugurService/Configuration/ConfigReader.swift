import Yams

/// A YAML node with the dotted key path it was found at.
struct ConfigNode {
    let node: Node
    let path: String

    var line: Int? { node.mark?.line }

    func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func element(_ index: Int, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: "\(path)[\(index)]")
    }
}

/// Typed access to YAML nodes that records every problem (file:line: key.path: message)
/// instead of stopping at the first.
struct ConfigReader {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(_ node: ConfigNode, _ code: ConfigError.Code, _ message: String) {
        errors.append(ConfigError(file: file, line: node.line, keyPath: node.path, code: code, message: message))
    }

    mutating func error(line: Int?, path: String, _ code: ConfigError.Code, _ message: String) {
        errors.append(ConfigError(file: file, line: line, keyPath: path, code: code, message: message))
    }

    /// The entries of a mapping with string keys, or nil (and an error) for anything else.
    mutating func mapping(_ node: ConfigNode) -> [(key: String, line: Int?, value: ConfigNode)]? {
        guard case .mapping(let mapping) = node.node else {
            error(node, .wrongType, "expected a mapping of keys to values, found \(kind(node.node)).")
            return nil
        }
        var entries: [(key: String, line: Int?, value: ConfigNode)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error(line: key.mark?.line, path: node.path, .wrongType, "keys must be plain names, not \(kind(key)).")
                continue
            }
            entries.append((scalar.string, key.mark?.line, node.child(scalar.string, value)))
        }
        return entries
    }

    /// Reports keys not in `allowed`, suggesting the closest allowed key.
    mutating func checkKeys(_ entries: [(key: String, line: Int?, value: ConfigNode)], allowed: [String]) {
        for entry in entries where !allowed.contains(entry.key) {
            let hint = Suggestion.closest(to: entry.key, in: allowed).map { "did you mean '\($0)'?" }
                ?? "expected one of \(allowed.joined(separator: ", "))."
            error(line: entry.line, path: entry.value.path, .unknownKey, "unknown key '\(entry.key)'; \(hint)")
        }
    }

    mutating func sequence(_ node: ConfigNode) -> [ConfigNode]? {
        guard case .sequence(let sequence) = node.node else {
            error(node, .wrongType, "expected a list, found \(kind(node.node)).")
            return nil
        }
        return sequence.enumerated().map { node.element($0.offset, $0.element) }
    }

    /// A scalar's text (numbers and bools as written).
    mutating func string(_ node: ConfigNode) -> String? {
        guard case .scalar(let scalar) = node.node else {
            error(node, .wrongType, "expected a text value, found \(kind(node.node)).")
            return nil
        }
        return scalar.string
    }

    mutating func number(_ node: ConfigNode) -> Double? {
        guard case .number(let n)? = YAMLScalar.value(node.node), n.double.isFinite else {
            error(node, .wrongType, "expected a number, found \(describe(node.node)).")
            return nil
        }
        return n.double
    }

    mutating func double(_ node: ConfigNode, in range: ClosedRange<Double>) -> Double? {
        guard let value = number(node) else { return nil }
        guard range.contains(value) else {
            error(node, .outOfRange, "'\(value)' is out of range; expected at least \(range.lowerBound) and at most \(range.upperBound).")
            return nil
        }
        return value
    }

    mutating func int(_ node: ConfigNode, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let n)? = YAMLScalar.value(node.node), let value = n.int64.flatMap({ Int(exactly: $0) }) else {
            error(node, .wrongType, "expected a whole number, found \(describe(node.node)).")
            return nil
        }
        guard range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " and at most \(range.upperBound)"
            error(node, .outOfRange, "'\(value)' is out of range; expected at least \(range.lowerBound)\(upper).")
            return nil
        }
        return value
    }

    mutating func bool(_ node: ConfigNode) -> Bool? {
        guard case .bool(let b)? = YAMLScalar.value(node.node) else {
            error(node, .wrongType, "expected true or false, found \(describe(node.node)).")
            return nil
        }
        return b
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .scalar: "a value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// `'text'` for scalars, the kind otherwise.
    func describe(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return "'\(scalar.string)'" }
        return kind(node)
    }
}

/// YAML 1.2 core-schema resolution of scalars to JSON values: quoted → string; plain
/// `null`/`~`/empty → null, `true`/`false` → bool, integers and decimals → numbers; anything
/// else (including YAML 1.1's `yes`/`no`/`on`/`off`) stays a string.
enum YAMLScalar {
    static func value(_ node: Node) -> JSONValue? {
        guard case .scalar(let scalar) = node else { return nil }
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let int = Int64(text) { return .number(JSONNumber(int)) }
        if isDecimal(text), let double = Double(text), double.isFinite { return .number(JSONNumber(double)) }
        return .string(text)
    }

    private static func isDecimal(_ text: String) -> Bool {
        var sawDigit = false
        for (i, c) in text.unicodeScalars.enumerated() {
            switch c {
            case "0"..."9": sawDigit = true
            case "+", "-": if i != 0 && !"eE".unicodeScalars.contains(Array(text.unicodeScalars)[i - 1]) { return false }
            case ".", "e", "E": continue
            default: return false
            }
        }
        return sawDigit
    }
}
