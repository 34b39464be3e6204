import AugurService

/// `{"predictions": [row, …]}`, each row as the own JSON writes it (label, class,
/// probability, probabilities, or value and unit), without the model: the answer of KServe
/// v1's `:predict` and of MLflow's `/invocations`.
public struct PredictionsListEncoder: PredictionEncoder {
    public init() {}

    public var mediaType: String { "application/json" }

    public func encode(_ predictions: Predictions, into out: inout JSONOutput) {
        out.append(#"{"predictions":"#)
        OwnJSONEncoder().writeRows(predictions, into: &out)
        out.append(UInt8(ascii: "}"))
    }
}
