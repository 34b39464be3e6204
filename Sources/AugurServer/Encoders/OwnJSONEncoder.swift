import AugurService

/// Augur's own JSON answer (`POST/GET /{route}`, `augur predict --config`).
///
/// One row: `{"prediction": …, "class": …, "probability": …, "probabilities": {…}, "model":
/// {"name", "version"}}` for classifiers (`probability` when known, `probabilities` when the
/// route reports them, keyed by label), `{"prediction": x | [x, …], "unit"?: …, "model": …}`
/// for regressors. A batch: `{"predictions": [row, …], "model": …}`. Compact, keys in this
/// order, non-finite numbers as `null`.
public struct OwnJSONEncoder: PredictionEncoder {
    public init() {}

    public var mediaType: String { "application/json" }

    public func encode(_ predictions: Predictions, into out: inout JSONOutput) {
        if predictions.isBatch {
            out.append(#"{"predictions":"#)
            writeRows(predictions, into: &out)
            out.append(UInt8(ascii: ","))
        } else {
            out.append(UInt8(ascii: "{"))
            if predictions.count > 0 {
                writeMembers(predictions.outcome, row: 0, into: &out)
                writeExplanation(predictions, row: 0, into: &out)
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(#""model":{"name":"#)
        JSONWriter.write(predictions.model.name, into: &out)
        out.append(#","version":"#)
        JSONWriter.write(predictions.model.version, into: &out)
        out.append("}}")
    }

    /// `[row, …]`: each row's object without the model.
    func writeRows(_ predictions: Predictions, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "["))
        for row in 0..<predictions.count {
            if row > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            writeMembers(predictions.outcome, row: row, into: &out)
            writeExplanation(predictions, row: row, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// One row's members, without braces.
    private func writeMembers(_ outcome: Predictions.Outcome, row: Int, into out: inout JSONOutput) {
        switch outcome {
        case .regression(let regression):
            out.append(#""prediction":"#)
            let values = regression.values(row: row)
            if regression.width == 1, let value = values.first {
                JSONWriter.write(value, into: &out)
            } else {
                out.append(UInt8(ascii: "["))
                for (i, value) in values.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONWriter.write(value, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            if let unit = regression.unit {
                out.append(#","unit":"#)
                JSONWriter.write(unit, into: &out)
            }
        case .classification(let classification):
            out.append(#""prediction":"#)
            JSONWriter.write(classification.labels[row], into: &out)
            out.append(#","class":"#)
            Self.write(classification.codes[row], into: &out)
            if let probability = classification.probability[row] {
                out.append(#","probability":"#)
                JSONWriter.write(JSONNumber(probability), into: &out)
            }
            guard classification.reportsProbabilities, let classes = classification.classes else { return }
            out.append(#","probabilities":{"#)
            let scores = classification.scores(row: row)
            for (k, entry) in classes.keyed.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.write(entry.label, into: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.write(JSONNumber(scores[scores.startIndex + entry.column]), into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `,"explanation":{…}` when the predictions carry explanations (`Explanations.write`).
    private func writeExplanation(_ predictions: Predictions, row: Int, into out: inout JSONOutput) {
        guard let explanations = predictions.explanations, explanations.rows.indices.contains(row) else { return }
        out.append(#","explanation":"#)
        explanations.write(row: row, labels: predictions.classification?.classes?.labels, into: &out)
    }

    /// An integer code as a JSON number, a string code as a JSON string.
    static func write(_ code: ClassCode, into out: inout JSONOutput) {
        switch code {
        case .integer(let i): JSONWriter.appendInteger(i, to: &out)
        case .string(let s): JSONWriter.write(s, into: &out)
        }
    }
}
