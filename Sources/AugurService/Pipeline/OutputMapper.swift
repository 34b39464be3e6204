import AugurEngine

/// Turns model outputs into typed predictions: labels, probabilities keyed by label, an
/// optional binary threshold, or a rounded regression value with its unit. The only place
/// where outputs become answers: every encoder writes what this produces.
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
    /// The configured codes sorted like scikit-learn's `classes_`: the columns of a plain
    /// [N, C] probability tensor when there are C of them.
    let sortedCodes: [ClassCode]

    init(kind: Kind, spec: OutputSpec) {
        self.kind = kind
        self.spec = spec
        var table: [String: String] = [:]
        var codes: [ClassCode] = []
        for entry in spec.labels ?? [] {
            let code = Self.classCode(entry.code)
            codes.append(code)
            table[code.description] = entry.label
        }
        labelByCode = table
        var integers: [Int64: String] = [:]
        for (text, label) in table {
            if let value = Int64(text), String(value) == text { integers[value] = label }
        }
        labelByInteger = integers
        sortedCodes = codes.sorted { a, b in
            if case .integer(let x) = a, case .integer(let y) = b { return x < y }
            return a.description < b.description
        }
    }

    var isClassifier: Bool {
        if case .classifier = kind { return true }
        return false
    }

    /// A configured code (`output.labels` keys are integers or strings).
    static func classCode(_ code: JSONValue) -> ClassCode {
        switch code {
        case .number(let n): n.int64.map(ClassCode.integer) ?? .string(n.description)
        case .string(let s): .string(s)
        default: .string(code.serializedString)
        }
    }

    func label(for code: ClassCode) -> String {
        switch code {
        case .integer(let i): labelByInteger[i] ?? String(i)
        case .string(let s): labelByCode[s] ?? s
        }
    }

    /// The predictions for `rows` rows of outputs (`rows` may be 0: then outputs are unread).
    func map(_ outputs: [Value], rows: Int) throws(RequestError) -> Predictions.Outcome {
        switch kind {
        case .regressor(let index):
            guard rows > 0 else { return .regression(Regression(values: [], width: 1, unit: spec.unit)) }
            return .regression(try regression(outputs[index], rows: rows))
        case .classifier(let label, let probabilities):
            guard rows > 0 else {
                return .classification(Classification(codes: [], labels: [], probability: [], classes: nil, scores: [],
                                                      reportsProbabilities: spec.probabilities))
            }
            return .classification(try classification(outputs[label], probabilities.map { outputs[$0] }, rows: rows))
        }
    }

    private func regression(_ value: Value, rows: Int) throws(RequestError) -> Regression {
        guard case .tensor(let tensor) = value, tensor.count % rows == 0 else {
            throw RequestError.inferenceFailed("The model's output does not have one value per row.")
        }
        let numbers: [JSONNumber]
        switch tensor.storage {
        case .float32(let v): numbers = v.map { spec.round == nil ? JSONNumber($0) : rounded(Double($0)) }
        case .float64(let v): numbers = v.map { rounded($0) }
        case .int64(let v): numbers = v.map { JSONNumber($0) }
        case .int32(let v): numbers = v.map { JSONNumber(Int64($0)) }
        default: throw RequestError.inferenceFailed("The model's output is \(tensor.elementType), not a number.")
        }
        return Regression(values: numbers, width: tensor.count / rows, unit: spec.unit)
    }

    private func rounded(_ x: Double) -> JSONNumber {
        guard let digits = spec.round, x.isFinite else { return JSONNumber(x) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded(.toNearestOrEven) / scale
        return r.isFinite ? JSONNumber(r) : JSONNumber(x)
    }
}
