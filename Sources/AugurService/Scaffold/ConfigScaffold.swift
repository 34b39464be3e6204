import AugurEngine
import AugurONNX
import AugurStore
import Foundation

/// Writes a starting `augur.yaml` for a model: one parameter per input feature, features in
/// model order, and an output section fitting the model (classifier or regressor).
///
/// The file serves as is; users then add constraints, units, labels and rules. What the model
/// states is used: categories its encoders know become `enum` options (`InputCategories`).
/// With training statistics (`--reference train.csv`), examples are the medians and most
/// frequent categories, parameters with missing values in training become `nullable`, and each
/// number's observed range is proposed as bounds in a comment, for the user to decide what an
/// incoherent value is.
public struct ConfigScaffold: Sendable {
    public let signature: ModelSignature
    /// The model path as the YAML will name it (relative to the YAML's folder).
    public let modelPath: String
    public let name: String
    public let categories: InputCategories
    public let reference: ReferenceStatistics?

    public init(signature: ModelSignature, modelPath: String, name: String, categories: InputCategories = .none,
                reference: ReferenceStatistics? = nil) {
        self.signature = signature
        self.modelPath = modelPath
        self.name = name
        self.categories = categories
        self.reference = reference
    }

    /// A parameter to declare: its name, YAML type and an example value; enum options, whether
    /// it may be null, and a comment on what the training data showed.
    struct Field {
        let name: String
        let type: String
        let example: JSONValue
        var options: [JSONValue]? = nil
        var nullable = false
        var comment: String? = nil

        var yaml: String {
            var keys = ["type: \(options == nil ? type : "enum")"]
            if let options { keys.append("options: [\(options.map(ConfigScaffold.yaml).joined(separator: ", "))]") }
            if nullable { keys += ["required: false", "nullable: true"] }
            keys.append("example: \(ConfigScaffold.yaml(example))")
            return "{\(keys.joined(separator: ", "))}" + (comment.map { "  # \($0)" } ?? "")
        }
    }

    /// A field for an input column: its declared type, refined by the encoder's categories and
    /// the training statistics of the column of the same name.
    func field(_ name: String, _ element: ElementType, input: String, column: Int) -> Field {
        var field = Field(name: Self.identifier(name), type: Self.yamlType(element), example: Self.example(element))
        let stats = reference?.features.first { $0.name == name || Self.identifier($0.name) == field.name }
        if let found = categories[input, column] {
            let options: [JSONValue]
            switch found.values {
            case .strings(let values): options = values.map { .string($0) }
            case .integers(let values): options = values.map { .integer(Int($0)) }
            }
            if !options.isEmpty {
                field.options = options
                let frequent = stats?.categories?.lazy.map { category -> JSONValue in
                    if case .integers = found.values, let n = Int(category.value) { return .integer(n) }
                    return .string(category.value)
                }.first { options.contains($0) }
                field = Field(name: field.name, type: field.type, example: frequent ?? options[0], options: options,
                              nullable: found.imputed || (stats?.missing ?? 0) > 0, comment: "the categories the model's encoder knows")
                return field
            }
        }
        guard let stats else { return field }
        field.nullable = stats.missing > 0
        if stats.kind == "numeric", element != .string, let low = stats.min, let high = stats.max {
            let median = stats.quantiles?["p50"] ?? stats.mean ?? low
            let isInt = field.type == "int"
            field = Field(name: field.name, type: field.type, example: isInt ? .integer(Int(median.rounded())) : .number(median), nullable: stats.missing > 0,
                          comment: "training data: min \(Self.number(low, integral: isInt)), median \(Self.number(median, integral: isInt)), max \(Self.number(high, integral: isInt))\(stats.missing > 0 ? ", \(stats.missing) missing" : ""); suggested bounds: min: \(Self.number(low, integral: isInt)), max: \(Self.number(high, integral: isInt))")
        } else if let top = stats.categories, let first = top.first {
            let listed = top.prefix(8).map(\.value).joined(separator: ", ")
            let distinct = stats.distinct ?? top.count
            field = Field(name: field.name, type: field.type, example: .string(first.value), nullable: stats.missing > 0,
                          comment: "training data: \(distinct) distinct values (\(listed)\(distinct > 8 ? ", …" : "")); an enum if that is all there is")
        }
        return field
    }

    static func number(_ value: Double, integral: Bool) -> String {
        if integral { return String(Int64(value.rounded())) }
        if value.rounded() == value, abs(value) < 1e15 { return String(format: "%.1f", value) }
        return String(format: "%.6g", value)
    }

    /// The fields and, for a single [N, k] input, the feature expressions (nil: bind by name).
    var fields: (fields: [Field], features: [String]?) {
        let inputs = signature.inputs
        if inputs.count == 1, case .tensor(let t) = inputs[0].type, let shape = t.shape, shape.count == 2, let k = shape[1], k > 1 {
            let names = signature.featureNames.flatMap { $0.count == k ? $0 : nil } ?? (0..<k).map { "feature_\($0)" }
            let fields = names.enumerated().map { field($1, t.elementType, input: inputs[0].name, column: $0) }
            return (fields, fields.map(\.name))
        }
        let fields = inputs.map { port -> Field in
            let element = port.type.tensorType?.elementType ?? .float32
            let made = field(port.name, element, input: port.name, column: 0)
            return Field(name: port.name, type: made.type, example: made.example, options: made.options, nullable: made.nullable, comment: made.comment)
        }
        return (fields, nil)
    }

    var isClassifier: Bool {
        signature.outputs.count >= 2 && signature.outputs.contains { port in
            if case .maps = port.type { return true }
            return port.type.tensorType.map { $0.elementType == .float32 && $0.rank == 2 } ?? false
        }
    }

    /// The YAML text.
    public var yaml: String {
        let (fields, features) = fields
        var lines = [
            "# Generated by `augur init` from \(modelPath). Serve with: augur serve <this folder>",
            "service:",
            "  name: \(Self.quoted(name))",
            "  title: \(Self.quoted(name + " predictions"))",
            "  version: 1.0.0",
            "models:",
            "  \(Self.quoted(name)): \(Self.quoted(modelPath))",
            "routes:",
            "  predict:",
            "    model: \(Self.quoted(name))",
            "    description: \(Self.quoted("Predictions from " + name + "."))",
            "    parameters:",
        ]
        lines += fields.map { "      \(Self.quoted($0.name)): \($0.yaml)" }
        if let features {
            lines.append("    features:")
            lines += features.map { "      - \($0)" }
        }
        lines.append("    output:")
        lines += isClassifier ? ["      probabilities: true"] : ["      round: 4"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A curl command predicting one example row.
    public func curl(host: String = "127.0.0.1", port: Int = ServiceDefaults.port) -> String {
        let body = fields.fields.map { "\"\($0.name)\": \($0.example.serializedString)" }.joined(separator: ", ")
        return "curl -s -X POST http://\(host):\(port)/predict -H 'Content-Type: application/json' -d '{\(body)}'"
    }

    static func yamlType(_ type: ElementType) -> String {
        switch type {
        case .float32, .float64: "float"
        case .int64, .int32: "int"
        case .bool: "bool"
        case .string: "str"
        }
    }

    static func example(_ type: ElementType) -> JSONValue {
        switch type {
        case .float32, .float64: .number(0.0)
        case .int64, .int32: .integer(0)
        case .bool: .bool(false)
        case .string: .string("a")
        }
    }

    /// A value as YAML flow text: strings quoted when they must be, numbers as JSON writes them.
    static func yaml(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): quoted(s)
        case .number(let n) where n.isIntegral && n.int64 == nil: String(format: "%.1f", n.double)
        default: value.serializedString
        }
    }

    /// A name usable in expressions: letters, digits and underscores, not starting with a digit.
    public static func identifier(_ raw: String) -> String {
        var out = String(raw.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        if out.first.map({ $0.isNumber }) ?? true { out = "f_" + out }
        return out
    }

    static func quoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "_-./ ".contains($0) } && s.first != " " && s.last != " "
        if plain && !["true", "false", "null", "yes", "no", "on", "off"].contains(s.lowercased()) && Double(s) == nil { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
