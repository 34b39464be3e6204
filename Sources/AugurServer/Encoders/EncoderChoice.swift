import AugurService
import HTTPTypes

/// The encoders a route answers with, and the choice among them by the request's `Accept`.
///
/// The first encoder is the default: used when there is only one, when `Accept` is absent
/// or empty, and among equals. With several, each media range's `q` counts (the most
/// specific range matching an encoder's type decides its `q`, RFC 9110 §12.5.1); the
/// highest non-zero wins; none acceptable is a 406.
struct EncoderChoice: Sendable {
    let encoders: [any PredictionEncoder]
    /// `Content-Type` for each encoder, built once.
    let headers: [HTTPFields]

    init(_ encoders: [any PredictionEncoder]) {
        self.encoders = encoders.isEmpty ? [OwnJSONEncoder()] : encoders
        headers = self.encoders.map { [.contentType: $0.mediaType] }
    }

    /// The index of the encoder for `accept`; a 406 when it accepts none of them.
    func pick(accept: String?) throws(RequestError) -> Int {
        guard encoders.count > 1, let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return 0 }
        let ranges = Self.ranges(accept)
        var best = 0
        var bestQ = -1.0
        for (i, encoder) in encoders.enumerated() {
            let q = Self.quality(of: encoder.mediaType.lowercased(), in: ranges)
            if q > bestQ { (best, bestQ) = (i, q) }
        }
        guard bestQ > 0 else { throw RequestError.notAcceptable(accept, available: encoders.map(\.mediaType)) }
        return best
    }

    /// `(type, subtype, q)` per media range, lowercased; a malformed `q` counts as 1.
    static func ranges(_ accept: String) -> [(type: Substring, subtype: Substring, q: Double)] {
        accept.lowercased().split(separator: ",").compactMap { part in
            let pieces = part.split(separator: ";")
            guard let range = pieces.first?.trimming(" \t") else { return nil }
            let names = range.split(separator: "/", maxSplits: 1)
            guard names.count == 2 else { return nil }
            var q = 1.0
            for parameter in pieces.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0].trimming(" \t") == "q", let value = Double(pair[1].trimming(" \t")) {
                    q = min(max(value, 0), 1)
                }
            }
            return (names[0], names[1], q)
        }
    }

    /// The `q` of the most specific range matching `mediaType` (`type/subtype`), 0 when none does.
    static func quality(of mediaType: String, in ranges: [(type: Substring, subtype: Substring, q: Double)]) -> Double {
        let names = mediaType.split(separator: "/", maxSplits: 1)
        guard names.count == 2 else { return 0 }
        var specificity = -1
        var q = 0.0
        for range in ranges {
            let level: Int
            if range.type == names[0] && range.subtype == names[1] { level = 2 }
            else if range.type == names[0] && range.subtype == "*" { level = 1 }
            else if range.type == "*" && range.subtype == "*" { level = 0 }
            else { continue }
            if level > specificity { (specificity, q) = (level, range.q) }
        }
        return q
    }
}
