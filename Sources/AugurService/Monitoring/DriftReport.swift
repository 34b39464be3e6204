import AugurStore

/// One route's drift scores at one moment: what `GET /monitoring`, the metrics and
/// `augur drift` report.
public struct DriftReport: Sendable {
    public struct Score: Sendable {
        public let method: DriftMethod
        /// Nil when the window has no value to compare (every value missing, or no row).
        public let score: Double?
        public var threshold = 0.0
        /// Nil until the window holds `min_rows` rows.
        public var drifted: Bool? = nil

        init(method: DriftMethod, score: Double?) {
            self.method = method
            self.score = score
        }
    }

    public struct Feature: Sendable {
        public let name: String
        /// `parameter` (a request field) or `column` (a model column computed from fields).
        public let source: String
        public let expression: String?
        /// `numeric` or `categorical`, as the reference has it.
        public let kind: String
        /// Rows in the window, and how many of them had no value.
        public let rows: Int
        public let missing: Int
        public let scores: [Score]
        /// Nil until the window holds `min_rows` rows; then true when a score is above its threshold.
        public let drifted: Bool?
        /// Since the monitor started: numbers outside the training [min, max], and categories
        /// the training data did not have.
        public let outOfRange: Int
        public let unseen: Int
    }

    public struct Unmonitored: Sendable {
        public let name: String
        public let reason: String
    }

    public let route: String
    /// `name:version` of the model whose reference statistics are compared with.
    public let modelTag: String
    public let referenceSource: String
    public let referenceRows: Int
    public let settings: MonitoringSettings
    /// Rows in the window.
    public let rows: Int
    /// Rows observed since the monitor started.
    public let observed: Int
    public let features: [Feature]
    /// Unix times of the window's oldest and newest rows.
    public let oldest: Double?
    public let newest: Double?
    public let unmonitored: [Unmonitored]

    /// True when a feature is judged drifted; nil while the window is too small to judge.
    public var drifted: Bool? {
        let judged = features.compactMap(\.drifted)
        return judged.isEmpty ? nil : judged.contains(true)
    }

    public var json: JSONValue {
        var window = JSONObject()
        window["rows"] = .integer(rows)
        window["capacity"] = .integer(settings.windowRows)
        window["seconds"] = settings.windowSeconds.map { .number($0) } ?? .null
        window["min_rows"] = .integer(settings.minRows)
        window["observed"] = .integer(observed)
        window["oldest"] = oldest.map { .string(Self.timestamp($0)) } ?? .null
        window["newest"] = newest.map { .string(Self.timestamp($0)) } ?? .null
        var reference = JSONObject()
        reference["model"] = .string(modelTag)
        reference["source"] = .string(referenceSource)
        reference["rows"] = .integer(referenceRows)
        var object = JSONObject()
        object["route"] = .string(route)
        object["reference"] = .object(reference)
        object["window"] = .object(window)
        object["drifted"] = drifted.map { .bool($0) } ?? .null
        object["features"] = .array(features.map { feature in
            var item = JSONObject()
            item["name"] = .string(feature.name)
            item["source"] = .string(feature.source)
            if let expression = feature.expression { item["expression"] = .string(expression) }
            item["kind"] = .string(feature.kind)
            item["rows"] = .integer(feature.rows)
            item["missing"] = .integer(feature.missing)
            item["drifted"] = feature.drifted.map { .bool($0) } ?? .null
            item["scores"] = .array(feature.scores.map { score in
                var s = JSONObject()
                s["method"] = .string(score.method.rawValue)
                s["score"] = score.score.map { .number($0) } ?? .null
                s["threshold"] = .number(score.threshold)
                s["drifted"] = score.drifted.map { .bool($0) } ?? .null
                if score.method == .psi, let value = score.score { s["level"] = .string(Self.psiLevel(value)) }
                return .object(s)
            })
            item["out_of_range"] = .integer(feature.outOfRange)
            item["unseen"] = .integer(feature.unseen)
            return .object(item)
        })
        object["unmonitored"] = .array(unmonitored.map { ["name": .string($0.name), "reason": .string($0.reason)] })
        return .object(object)
    }

    /// The usual reading of a PSI: below 0.1 stable, up to 0.25 moderate, above significant.
    static func psiLevel(_ value: Double) -> String {
        value < 0.1 ? "stable" : value <= 0.25 ? "moderate" : "significant"
    }

    static func timestamp(_ seconds: Double) -> String {
        UTCTime.iso8601(seconds, milliseconds: true)
    }
}
