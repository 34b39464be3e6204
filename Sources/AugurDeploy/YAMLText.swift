import AugurService
import Yams

/// Documents built as ordered JSON values, written as YAML (keys in the order written; text
/// that a YAML reader would take for a number, a bool or null is quoted).
enum YAMLText {
    static func document(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), sortKeys: false)
    }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .number(let n): return Node(n.isIntegral ? String(n.int64 ?? 0) : String(n.double), Tag(n.isIntegral ? .int : .float))
        case .string(let s): return Node(s, Tag(.str), needsQuotes(s) ? .doubleQuoted : .any)
        case .array(let items): return Node(items.map(node))
        case .object(let object): return Node(object.members.map { (Node($0.key), node($0.value)) })
        }
    }

    static func needsQuotes(_ s: String) -> Bool {
        ["true", "false", "yes", "no", "on", "off", "null", "~", ""].contains(s.lowercased()) || Double(s) != nil || Int(s) != nil
            || isDate(s)
    }

    /// `2010-09-09` (YAML 1.1 readers take it for a timestamp).
    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
    }
}
