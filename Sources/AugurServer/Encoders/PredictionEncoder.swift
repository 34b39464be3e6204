import AugurService

/// Writes a route's typed predictions as a response body in one wire format.
///
/// The only thing an encoder decides is bytes: labels, thresholds, probabilities, rounding
/// and units were settled by the route's pipeline (`Predictions`). Adding a format is one
/// file with a type conforming to this, listed in `ServerSettings.encoders`; the route picks
/// among the listed ones by the request's `Accept` header (`MediaTypeNegotiation`).
public protocol PredictionEncoder: Sendable {
    /// The media type of the bodies it writes (`Content-Type`), e.g. `application/json`.
    var mediaType: String { get }
    /// Appends the body for `predictions` to `out`.
    func encode(_ predictions: Predictions, into out: inout JSONOutput)
}

extension PredictionEncoder {
    /// The body as bytes.
    public func encode(_ predictions: Predictions) -> [UInt8] {
        var out = JSONOutput(capacity: 256)
        encode(predictions, into: &out)
        return Array(out.bytes)
    }
}
