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
                JSONWriter.writeAnswer(predictions.outcome, row: 0, into: &out)
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
            JSONWriter.writeAnswer(predictions.outcome, row: row, into: &out)
            writeExplanation(predictions, row: row, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `,"explanation":{…}` when the predictions carry explanations (`Explanations.write`).
    private func writeExplanation(_ predictions: Predictions, row: Int, into out: inout JSONOutput) {
        guard let explanations = predictions.explanations, explanations.rows.indices.contains(row) else { return }
        out.append(#","explanation":"#)
        explanations.write(row: row, labels: predictions.classification?.classes?.labels, into: &out)
    }
}
