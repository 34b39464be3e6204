/// Reads a route's `output:` block.
enum OutputParser {
    static let keys = ["labels", "probabilities", "threshold", "round", "unit"]

    static func parse(_ node: ConfigNode, reader: inout ConfigReader) -> OutputSpec {
        var spec = OutputSpec()
        spec.location = SourceLocation(line: node.line, path: node.path)
        guard let entries = reader.mapping(node) else { return spec }
        reader.checkKeys(entries, allowed: keys)
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "labels": spec.labels = labels(value, reader: &reader)
            case "probabilities": spec.probabilities = reader.bool(value) ?? spec.probabilities
            case "threshold":
                if let t = reader.number(value) {
                    if t >= 0 && t <= 1 { spec.threshold = t } else { reader.error(value, .outOfRange, "'\(t)' is not a probability; expected 0 to 1.") }
                }
            case "round": spec.round = reader.int(value, in: 0...15)
            case "unit": spec.unit = reader.string(value)
            default: break
            }
        }
        return spec
    }

    private static func labels(_ node: ConfigNode, reader: inout ConfigReader) -> [(code: JSONValue, label: String)]? {
        guard case .mapping(let mapping) = node.node else {
            reader.error(node, .wrongType, "expected a mapping of class codes to labels, found \(reader.kind(node.node)).")
            return nil
        }
        var labels: [(code: JSONValue, label: String)] = []
        for (key, value) in mapping {
            let keyNode = ConfigNode(node: key, path: node.path)
            let code: JSONValue
            switch YAMLScalar.value(key) {
            case .number(let n)? where n.int64 != nil: code = .number(n)
            case .string(let s)?: code = .string(s)
            case .bool(let b)?: code = .string(b ? "true" : "false")
            default:
                reader.error(keyNode, .wrongType, "a class code must be an integer or a string, not \(reader.describe(key)).")
                continue
            }
            guard let label = reader.string(node.child(ParameterSpec.repr(code), value)) else { continue }
            labels.append((code, label))
        }
        return labels
    }
}
