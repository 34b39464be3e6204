import AugurEngine

/// Classifier responses: `prediction` (label), `class` (code), `probability` (of the predicted
/// class) and `probabilities` keyed by label.
extension OutputMapper {
    func classification(_ labels: Value, _ probabilities: Value?, rows: Int) throws(RequestError) -> [JSONObject] {
        try classifierRows(labels, probabilities, rows: rows).map(\.object)
    }

    /// One response row per input row (the shared logic of the object and the text forms).
    func classifierRows(_ labels: Value, _ probabilities: Value?, rows: Int) throws(RequestError) -> [ClassifierRow] {
        guard case .tensor(let labelTensor) = labels, labelTensor.count == rows else {
            throw RequestError.inferenceFailed("The model's label output does not have one label per row.")
        }
        let codes: [JSONValue]
        switch labelTensor.storage {
        case .int64(let v): codes = v.map { .number(JSONNumber($0)) }
        case .int32(let v): codes = v.map { .number(JSONNumber(Int64($0))) }
        case .string(let v): codes = v.map { .string($0) }
        default: throw RequestError.inferenceFailed("The model's label output is \(labelTensor.elementType).")
        }
        let table = try probabilityTable(probabilities, rows: rows)
        let labelNames = table?.codes.map { label(for: $0) }
        return (0..<rows).map { r in
            var code = codes[r]
            var scores: ArraySlice<Float>?
            if let table {
                let row = table.scores[(r * table.codes.count)..<((r + 1) * table.codes.count)]
                scores = row
                if let threshold = spec.threshold, table.codes.count == 2 {
                    code = row[row.startIndex + 1] >= Float(threshold) ? table.codes[1] : table.codes[0]
                }
            }
            var probability: JSONNumber?
            var probs: JSONObject?
            if let table, let scores, let labelNames {
                if let k = table.codes.firstIndex(where: { Self.sameCode($0, code) }) {
                    probability = JSONNumber(scores[scores.startIndex + k])
                }
                if spec.probabilities {
                    var object = JSONObject()
                    object.reserveCapacity(labelNames.count)
                    for (k, name) in labelNames.enumerated() { object[name] = .number(JSONNumber(scores[scores.startIndex + k])) }
                    probs = object
                }
            }
            return ClassifierRow(label: label(for: code), code: code, probability: probability, probabilities: probs)
        }
    }

    /// Class codes in column order and a row-major rows × classes score matrix.
    private func probabilityTable(_ value: Value?, rows: Int) throws(RequestError) -> (codes: [JSONValue], scores: [Float])? {
        guard let columns = try probabilityColumns(value, rows: rows) else { return nil }
        return ((0..<columns.count).map { columns.code($0) }, columns.scores)
    }

    /// The probability columns (their codes, without building them) and the row-major
    /// rows × classes score matrix; nil without a probability output.
    func probabilityColumns(_ value: Value?, rows: Int) throws(RequestError) -> ProbabilityColumns? {
        switch value {
        case nil: return nil
        case .maps(let maps)?:
            guard maps.keys.count > 0, maps.rows == rows else {
                throw RequestError.inferenceFailed("The model's probabilities do not have one map per row.")
            }
            switch maps.keys {
            case .int64(let k): return ProbabilityColumns(codes: .int64(k), scores: maps.scores)
            case .string(let k): return ProbabilityColumns(codes: .string(k), scores: maps.scores)
            }
        case .tensor(let tensor)?:
            guard rows > 0, tensor.count % rows == 0, tensor.count > 0 else {
                throw RequestError.inferenceFailed("The model's probabilities do not have one row per input row.")
            }
            let classes = tensor.count / rows
            let scores: [Float] = switch tensor.storage {
            case .float32(let v): v
            case .float64(let v): v.map { Float($0) }
            default: []
            }
            guard scores.count == tensor.count else {
                throw RequestError.inferenceFailed("The model's probabilities are \(tensor.elementType), not floats.")
            }
            return ProbabilityColumns(codes: .values(columnCodes(classes)), scores: scores)
        }
    }

    /// The one row's members as JSON text (no braces), written directly: the bytes
    /// `classifierRows(labels, probabilities, rows: 1)[0].object` serialises to between its
    /// braces, and the same errors in the same order.
    func writeSingleClassifierRow(_ labels: Value, _ probabilities: Value?, into out: inout JSONOutput) throws(RequestError) {
        guard case .tensor(let labelTensor) = labels, labelTensor.count == 1 else {
            throw RequestError.inferenceFailed("The model's label output does not have one label per row.")
        }
        var code: JSONValue
        switch labelTensor.storage {
        case .int64(let v): code = .number(JSONNumber(v[0]))
        case .int32(let v): code = .number(JSONNumber(Int64(v[0])))
        case .string(let v): code = .string(v[0])
        default: throw RequestError.inferenceFailed("The model's label output is \(labelTensor.elementType).")
        }
        let columns = try probabilityColumns(probabilities, rows: 1)
        if let columns, let threshold = spec.threshold, columns.count == 2 {
            code = columns.scores[1] >= Float(threshold) ? columns.code(1) : columns.code(0)
        }
        out.append(#""prediction":"#)
        JSONWriter.write(label(for: code), into: &out)
        out.append(#","class":"#)
        JSONWriter.write(code, into: &out)
        guard let columns else { return }
        if let k = (0..<columns.count).first(where: { Self.sameCode(columns.code($0), code) }) {
            out.append(#","probability":"#)
            JSONWriter.write(JSONNumber(columns.scores[k]), into: &out)
        }
        guard spec.probabilities else { return }
        out.append(#","probabilities":"#)
        let names = (0..<columns.count).map { label(for: columns.code($0)) }
        // A repeated label keeps its first place and its last score, as in a JSONObject: then
        // build one; otherwise write the pairs in order.
        let repeated = names.count > 16 || names.indices.contains { i in names[..<i].contains(names[i]) }
        if repeated {
            var object = JSONObject()
            object.reserveCapacity(names.count)
            for (k, name) in names.enumerated() { object[name] = .number(JSONNumber(columns.scores[k])) }
            JSONWriter.writeObject(object, into: &out)
            return
        }
        out.append(UInt8(ascii: "{"))
        for (k, name) in names.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.write(name, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.write(JSONNumber(columns.scores[k]), into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Codes of probability columns for a plain [N, C] tensor: the configured labels' codes
    /// sorted like scikit-learn's `classes_` when they are C, else 0 ..< C.
    private func columnCodes(_ classes: Int) -> [JSONValue] {
        if let labels = spec.labels, labels.count == classes {
            return labels.map(\.code).sorted { a, b in
                switch (a, b) {
                case (.number(let x), .number(let y)): x.double < y.double
                default: Self.codeText(a) < Self.codeText(b)
                }
            }
        }
        return (0..<classes).map { .integer($0) }
    }
}

/// One classifier response row: `prediction` (label), `class` (code), `probability` (of the
/// predicted class, when known) and `probabilities` (keyed by label, when asked for).
struct ClassifierRow {
    let label: String
    let code: JSONValue
    let probability: JSONNumber?
    let probabilities: JSONObject?

    var object: JSONObject {
        var object = JSONObject()
        object.reserveCapacity(5)
        object.append("prediction", .string(label))
        object.append("class", code)
        if let probability { object.append("probability", .number(probability)) }
        if let probabilities { object.append("probabilities", .object(probabilities)) }
        return object
    }
}

/// The columns of a probability output: their class codes (made on demand) and the row-major
/// score matrix.
struct ProbabilityColumns {
    enum Codes {
        case int64([Int64])
        case string([String])
        case values([JSONValue])
    }

    let codes: Codes
    let scores: [Float]

    var count: Int {
        switch codes {
        case .int64(let k): k.count
        case .string(let k): k.count
        case .values(let k): k.count
        }
    }

    func code(_ index: Int) -> JSONValue {
        switch codes {
        case .int64(let k): .number(JSONNumber(k[index]))
        case .string(let k): .string(k[index])
        case .values(let k): k[index]
        }
    }
}
