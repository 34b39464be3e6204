import AugurEngine

/// The categories a model knows for its input columns, read from the encoders that consume them:
/// `OneHotEncoder` (`cats_strings`/`cats_int64s`), `CategoryMapper` (the side matching the input
/// type) and `LabelEncoder` (its keys). `augur init` turns them into `enum` parameters, so a form
/// offers the cities the model was trained on instead of a free text box.
///
/// Each column is followed from a graph input through the ops that move columns without
/// changing values (Identity, Cast, Reshape/Flatten/Squeeze/Unsqueeze of one column, Concat on
/// axis 1, ArrayFeatureExtractor and Gather on axis 1 with constant indices) and through the
/// imputer pattern skl2onnx writes for strings (`Where(missing, fill, column)`). A column that
/// reaches an encoder by any other path is not reported: the analysis only states what it can
/// prove.
public struct InputCategories: Sendable, Equatable {
    /// An input column: the input's name and the column (0 for a one-column input).
    public struct Column: Sendable, Hashable {
        public let input: String
        public let index: Int
    }

    public enum Values: Sendable, Equatable {
        case strings([String])
        case integers([Int64])
    }

    public struct Found: Sendable, Equatable {
        public let values: Values
        /// The column went through an imputer before the encoder: missing values are expected
        /// (and an imputer's filler such as `missing` is left out of `values`).
        public let imputed: Bool

        public init(values: Values, imputed: Bool) {
            self.values = values
            self.imputed = imputed
        }
    }

    public let columns: [Column: Found]

    /// A column's provenance on the way to an encoder.
    private struct Source: Equatable {
        let column: Column
        var imputed = false
    }

    public static let none = InputCategories(columns: [:])
    /// Widths above this are not followed (a model file's declared sizes are untrusted).
    static let maxWidth = 4096
    /// Column slots tracked over the whole graph; past it the analysis stops with what it has.
    static let maxTracked = 1 << 20

    private init(columns: [Column: Found]) { self.columns = columns }

    init(_ graph: Onnx_GraphProto, constants: [String: Value]) {
        var flow: [String: [Source?]] = [:]
        let elementTypes = Dictionary(graph.input.map { ($0.name, $0.type.tensorType.elemType) }, uniquingKeysWith: { first, _ in first })
        for input in graph.input where constants[input.name] == nil {
            let dims = input.type.tensorType.shape.dim
            let width: Int = dims.count == 2 ? Int(clamping: dims[1].dimValue) : (dims.count <= 1 ? 1 : 0)
            guard width > 0, width <= 4096 else { continue }
            flow[input.name] = (0..<width).map { Source(column: Column(input: input.name, index: $0)) }
        }
        func indices(_ name: String) -> [Int]? {
            guard case .tensor(let tensor)? = constants[name] else { return nil }
            switch tensor.storage {
            case .int64(let values): return values.map { Int(clamping: $0) }
            case .int32(let values): return values.map { Int($0) }
            default: return nil
            }
        }
        func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }
        var found: [Column: Found] = [:]
        var tracked = 0
        func record(_ source: Source?, _ values: Values, filler: String? = nil) {
            guard let source else { return }
            var values = values
            if source.imputed, let filler, case .strings(let strings) = values { values = .strings(strings.filter { $0 != filler }) }
            found[source.column] = Found(values: values, imputed: source.imputed)
        }
        for node in graph.node {
            guard tracked <= Self.maxTracked else { break }
            let inputs = node.input.map { flow[$0] }
            let single = inputs.first.flatMap { $0 }.flatMap { $0.count == 1 ? $0[0] : nil }
            switch (node.domain.isEmpty || node.domain == "ai.onnx" ? "" : node.domain, node.opType) {
            case ("", "Identity"), ("", "Cast"):
                if let first = inputs.first.flatMap({ $0 }), let output = node.output.first { flow[output] = first; tracked += first.count }
            case ("", "Reshape"), ("", "Flatten"), ("", "Squeeze"), ("", "Unsqueeze"):
                if let single, let output = node.output.first { flow[output] = [single] }
            case ("", "Concat"):
                let axis = attribute(node, "axis")?.i ?? 0
                guard axis == 1 || axis == -1, let output = node.output.first else { continue }
                var columns: [Source?] = []
                for (name, sources) in zip(node.input, inputs) {
                    let width: Int
                    if let sources { width = sources.count } else if case .tensor(let t)? = constants[name], t.shape.count == 2 { width = t.shape[1] } else { width = -1 }
                    guard width >= 0, width <= Self.maxWidth - columns.count else { columns = []; break }
                    columns += sources ?? Array(repeating: nil, count: width)
                }
                if !columns.isEmpty { flow[output] = columns; tracked += columns.count }
            case ("ai.onnx.ml", "ArrayFeatureExtractor"), ("", "Gather"):
                if node.opType == "Gather", (attribute(node, "axis")?.i ?? 0) != 1 { continue }
                guard node.input.count == 2, let sources = inputs[0], let picked = indices(node.input[1]), let output = node.output.first else { continue }
                guard picked.count <= Self.maxWidth else { continue }
                flow[output] = picked.map { $0 >= 0 && $0 < sources.count ? sources[$0] : nil }
                tracked += picked.count
            case ("", "Where"):
                // skl2onnx's string imputer: Where(is_missing, fill, column).
                guard node.input.count == 3, inputs[1] == nil, let sources = inputs[2], let output = node.output.first else { continue }
                flow[output] = sources.map { $0.map { Source(column: $0.column, imputed: true) } }
                tracked += sources.count
            case ("ai.onnx.ml", "OneHotEncoder"):
                if let strings = attribute(node, "cats_strings")?.strings, !strings.isEmpty {
                    record(single, .strings(strings.map { String(decoding: $0, as: UTF8.self) }), filler: "missing")
                } else if let ints = attribute(node, "cats_int64s")?.ints, !ints.isEmpty {
                    record(single, .integers(ints))
                }
            case ("ai.onnx.ml", "CategoryMapper"):
                // Strings in → its cats_strings; integers in → its cats_int64s (the input's type).
                guard let single, let declared = elementTypes[single.column.input] else { continue }
                if declared == 8, let strings = attribute(node, "cats_strings")?.strings {
                    record(single, .strings(strings.map { String(decoding: $0, as: UTF8.self) }))
                } else if declared != 8, let ints = attribute(node, "cats_int64s")?.ints {
                    record(single, .integers(ints))
                }
            case ("ai.onnx.ml", "LabelEncoder"):
                if let strings = attribute(node, "keys_strings")?.strings {
                    let keys = strings.map { String(decoding: $0, as: UTF8.self) }
                    // skl2onnx's missing-value test maps "" alone: not categories.
                    if keys.count > 1 || keys.first?.isEmpty == false { record(single, .strings(keys), filler: "missing") }
                } else if let ints = attribute(node, "keys_int64s")?.ints, ints.count > 1 {
                    record(single, .integers(ints))
                }
            default:
                continue
            }
        }
        columns = found
    }

    /// The categories of an input column, if an encoder states them.
    public subscript(input: String, column: Int) -> Found? { columns[Column(input: input, index: column)] }
}
