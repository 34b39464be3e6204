extension JSONWriter {
    /// One row's answer as Augur's own JSON writes it, members without braces:
    /// `"prediction":…,"class":…,"probability":…,"probabilities":{…}` for classifiers
    /// (`probability` when known, `probabilities` when the route reports them, keyed by label),
    /// `"prediction":x | [x, …],"unit":…` for regressors. The one writer of a row's answer: the
    /// route's response (`OwnJSONEncoder`) and the prediction log's `outputs` use it.
    public static func writeAnswer(_ outcome: Predictions.Outcome, row: Int, into out: inout JSONOutput) {
        switch outcome {
        case .regression(let regression):
            out.append(#""prediction":"#)
            let values = regression.values(row: row)
            if regression.width == 1, let value = values.first {
                write(value, into: &out)
            } else {
                out.append(UInt8(ascii: "["))
                for (i, value) in values.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    write(value, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            if let unit = regression.unit {
                out.append(#","unit":"#)
                write(unit, into: &out)
            }
        case .classification(let classification):
            out.append(#""prediction":"#)
            write(classification.labels[row], into: &out)
            out.append(#","class":"#)
            write(classification.codes[row], into: &out)
            if let probability = classification.probability[row] {
                out.append(#","probability":"#)
                write(JSONNumber(probability), into: &out)
            }
            guard classification.reportsProbabilities, let classes = classification.classes else { return }
            out.append(#","probabilities":{"#)
            let scores = classification.scores(row: row)
            for (k, entry) in classes.keyed.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                write(entry.label, into: &out)
                out.append(UInt8(ascii: ":"))
                write(JSONNumber(scores[scores.startIndex + entry.column]), into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// An integer code as a JSON number, a string code as a JSON string.
    public static func write(_ code: ClassCode, into out: inout JSONOutput) {
        switch code {
        case .integer(let i): appendInteger(i, to: &out)
        case .string(let s): write(s, into: &out)
        }
    }
}
