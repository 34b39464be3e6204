import AugurEngine

/// Turns model outputs into response objects: labels, probabilities keyed by label, an
/// optional binary threshold, or a rounded regression value with its unit.
///
/// Classifiers are models whose first output is a rank-1 (or [N, 1]) int64/string label
/// tensor; probabilities come from a ZipMap output or a float [N, C] tensor. Everything else
/// is a regressor reading the first float output.
struct OutputMapper: Sendable {
    enum Kind: Sendable {
        case classifier(label: Int, probabilities: Int?)
        case regressor(output: Int)
    }

    let kind: Kind
    let spec: OutputSpec
    /// Class code text (`"1"`, `"Urban"`) → label, from `output.labels`.
    let labelByCode: [String: String]
    /// The entries of `labelByCode` whose code text is an integer's decimal text, by integer:
    /// integer class codes find their label without formatting the code.
    let labelByInteger: [Int64: String]

    init(kind: Kind, spec: OutputSpec) {
        self.kind = kind
        self.spec = spec
        var table: [String: String] = [:]
        for entry in spec.labels ?? [] { table[Self.codeText(entry.code)] = entry.label }
        labelByCode = table
        var integers: [Int64: String] = [:]
        for (text, label) in table {
            if let value = Int64(text), String(value) == text { integers[value] = label }
        }
        labelByInteger = integers
    }

    var isClassifier: Bool {
        if case .classifier = kind { return true }
        return false
    }

    static func codeText(_ code: JSONValue) -> String {
        switch code {
        case .string(let s): s
        case .number(let n): n.description
        default: code.serializedString
        }
    }

    func label(for code: JSONValue) -> String {
        // An integer's code text is String(integer): look it up by value.
        if case .number(let n) = code, let integer = n.int64 {
            return labelByInteger[integer] ?? String(integer)
        }
        return labelByCode[Self.codeText(code)] ?? Self.codeText(code)
    }

    /// Whether two codes have the same code text (integers compared as integers).
    static func sameCode(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .number(let x) = a, let i = x.int64, case .number(let y) = b, let j = y.int64 { return i == j }
        return codeText(a) == codeText(b)
    }

    /// The members of the one row's response object as JSON text (no braces): the bytes
    /// `map(outputs, rows: 1)[0]` serialises to between its braces.
    func writeMembers(_ outputs: [Value], into out: inout JSONOutput) throws(RequestError) {
        switch kind {
        case .regressor(let index):
            let objects = try regression(outputs[index], rows: 1)
            JSONWriter.writeMembers(of: objects[0], into: &out)
        case .classifier(let label, let probabilities):
            try writeSingleClassifierRow(outputs[label], probabilities.map { outputs[$0] }, into: &out)
        }
    }

    /// One response object per row.
    func map(_ outputs: [Value], rows: Int) throws(RequestError) -> [JSONObject] {
        switch kind {
        case .regressor(let index): return try regression(outputs[index], rows: rows)
        case .classifier(let label, let probabilities):
            return try classification(outputs[label], probabilities.map { outputs[$0] }, rows: rows)
        }
    }

    private func regression(_ value: Value, rows: Int) throws(RequestError) -> [JSONObject] {
        guard case .tensor(let tensor) = value, rows > 0, tensor.count % rows == 0 else {
            throw RequestError.inferenceFailed("The model's output does not have one value per row.")
        }
        let width = tensor.count / rows
        let numbers: [JSONNumber]
        switch tensor.storage {
        case .float32(let v): numbers = v.map { spec.round == nil ? JSONNumber($0) : rounded(Double($0)) }
        case .float64(let v): numbers = v.map { rounded($0) }
        case .int64(let v): numbers = v.map { JSONNumber($0) }
        case .int32(let v): numbers = v.map { JSONNumber(Int64($0)) }
        default: throw RequestError.inferenceFailed("The model's output is \(tensor.elementType), not a number.")
        }
        return (0..<rows).map { r in
            var object = JSONObject()
            object.reserveCapacity(3)
            if width == 1 {
                object.append("prediction", .number(numbers[r]))
            } else {
                object.append("prediction", .array(numbers[(r * width)..<((r + 1) * width)].map { .number($0) }))
            }
            if let unit = spec.unit { object.append("unit", .string(unit)) }
            return object
        }
    }

    private func rounded(_ x: Double) -> JSONNumber {
        guard let digits = spec.round, x.isFinite else { return JSONNumber(x) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded(.toNearestOrEven) / scale
        return r.isFinite ? JSONNumber(r) : JSONNumber(x)
    }
}
