/// How live traffic is compared with the training data (`monitoring:` at the top of
/// `augur.yaml`): on for every route whose model has reference statistics, unless turned off.
///
/// ```yaml
/// monitoring:
///   window: 1000          # the last rows each score is computed over
///   window_seconds: 3600  # and only rows younger than this (default: no age limit)
///   min_rows: 500         # rows a window needs before it is judged
///   thresholds: {psi: 0.25, ks: 0.1, jensen_shannon: 0.2, missing: 0.1}
/// ```
public struct MonitoringSettings: Sendable, Equatable {
    public var enabled = true
    /// Rows held per route (Seldon's drift detectors default to 1,000).
    public var windowRows = 1000
    /// Rows older than this are left out of the scores; nil: no age limit.
    public var windowSeconds: Double? = nil
    /// A feature is judged (drifted or not) only once the window holds this many rows.
    public var minRows = 500
    public var thresholds = Thresholds()

    /// Scores above these mark a feature as drifted.
    public struct Thresholds: Sendable, Equatable {
        /// Common practice: < 0.1 stable, 0.1–0.25 moderate, > 0.25 significant.
        public var psi = 0.25
        public var ks = 0.1
        /// Evidently flags 0.1 over whole datasets; over a 1,000-row window of tens of
        /// categories, chance alone comes near 0.1, hence 0.2.
        public var jensenShannon = 0.2
        /// Absolute difference of the missing-value rates.
        public var missing = 0.1

        public init() {}

        func threshold(_ method: DriftMethod) -> Double {
            switch method {
            case .psi: psi
            case .ks: ks
            case .jensenShannon: jensenShannon
            case .missing: missing
            }
        }
    }

    public init() {}

    static let keys = ["enabled", "window", "window_seconds", "min_rows", "thresholds"]
    static let thresholdKeys = ["psi", "ks", "jensen_shannon", "missing"]
    public static let maxWindowRows = 1_000_000

    /// Reads a `monitoring:` mapping (or `false`); nil after recording errors.
    static func parse(_ node: ConfigNode, reader: inout ConfigReader) -> MonitoringSettings? {
        var settings = MonitoringSettings()
        if case .scalar = node.node, let on = reader.bool(node) {
            settings.enabled = on
            return settings
        }
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: keys)
        let before = reader.errors.count
        for entry in entries {
            switch entry.key {
            case "enabled": settings.enabled = reader.bool(entry.value) ?? settings.enabled
            case "window": settings.windowRows = reader.int(entry.value, in: 1...maxWindowRows) ?? settings.windowRows
            case "window_seconds": settings.windowSeconds = reader.double(entry.value, in: 1...31_536_000)
            case "min_rows": settings.minRows = reader.int(entry.value, in: 1...maxWindowRows) ?? settings.minRows
            case "thresholds":
                guard let items = reader.mapping(entry.value) else { continue }
                reader.checkKeys(items, allowed: thresholdKeys)
                for item in items {
                    guard let value = reader.double(item.value, in: 0...1_000) else { continue }
                    switch item.key {
                    case "psi": settings.thresholds.psi = value
                    case "ks": settings.thresholds.ks = value
                    case "jensen_shannon": settings.thresholds.jensenShannon = value
                    case "missing": settings.thresholds.missing = value
                    default: break
                    }
                }
            default: break
            }
        }
        if settings.minRows > settings.windowRows, entries.contains(where: { $0.key == "min_rows" }) {
            reader.error(node, .invalidValue, "min_rows (\(settings.minRows)) must be at most window (\(settings.windowRows)).")
        }
        settings.minRows = Swift.min(settings.minRows, settings.windowRows)
        return reader.errors.count == before ? settings : nil
    }
}

/// A drift score's method, as `/monitoring` and the metrics name it.
public enum DriftMethod: String, Sendable, CaseIterable {
    case psi
    case ks
    case jensenShannon = "jensen_shannon"
    case missing
}
