import Foundation

/// A route's adaptive batching (`batching:` under the route): off unless given.
///
/// ```yaml
/// batching: {max_batch_rows: 64, max_delay_ms: 2, max_queue_rows: 1024}
/// ```
public struct BatchingSettings: Sendable, Equatable {
    /// Rows one run takes at most; a request with this many rows or more runs alone at once.
    public var maxBatchRows: Int
    /// How long the first queued request may wait for others (the deadline starts at its arrival).
    public var maxDelay: Duration
    /// Rows that may wait at once; more is a 503 `overloaded` with `Retry-After`.
    public var maxQueueRows: Int
    /// Runs that may be in progress at once before requests wait for a full batch or the
    /// deadline: while fewer run, what is queued starts at once (no waiting at low load).
    /// One per core; 0 makes every request wait for a full batch or the deadline.
    public var idleRuns = ProcessInfo.processInfo.activeProcessorCount

    public static let keys = ["max_batch_rows", "max_delay_ms", "max_queue_rows"]
    public static let defaultMaxBatchRows = 64
    public static let defaultMaxDelayMilliseconds = 2.0
    public static let defaultMaxQueueRows = 1024

    public init(maxBatchRows: Int = defaultMaxBatchRows, maxDelay: Duration = .microseconds(Int64(defaultMaxDelayMilliseconds * 1000)),
                maxQueueRows: Int = defaultMaxQueueRows, idleRuns: Int? = nil) {
        self.maxBatchRows = maxBatchRows
        self.maxDelay = maxDelay
        self.maxQueueRows = maxQueueRows
        if let idleRuns { self.idleRuns = idleRuns }
    }

    /// Reads a `batching:` mapping; nil after recording errors.
    static func parse(_ node: ConfigNode, reader: inout ConfigReader) -> BatchingSettings? {
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: keys)
        let before = reader.errors.count
        var settings = BatchingSettings()
        for entry in entries {
            switch entry.key {
            case "max_batch_rows": settings.maxBatchRows = reader.int(entry.value, in: 1...1_000_000) ?? settings.maxBatchRows
            case "max_delay_ms":
                if let ms = reader.double(entry.value, in: 0...10_000) { settings.maxDelay = .microseconds(Int64(ms * 1000)) }
            case "max_queue_rows": settings.maxQueueRows = reader.int(entry.value, in: 1...10_000_000) ?? settings.maxQueueRows
            default: break
            }
        }
        if settings.maxQueueRows < settings.maxBatchRows {
            reader.error(node, .invalidValue, "max_queue_rows (\(settings.maxQueueRows)) must be at least max_batch_rows (\(settings.maxBatchRows)).")
        }
        return reader.errors.count == before ? settings : nil
    }
}
