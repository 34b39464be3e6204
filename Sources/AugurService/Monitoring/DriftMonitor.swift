import AugurStore
import Foundation
import Synchronization

/// One route's live inputs compared with its model's training data (`ReferenceStatistics`).
///
/// Every validated row a route predicts is observed (`observe`): each monitored feature's value
/// goes into a window of the last `MonitoringSettings.windowRows` rows, and counters of numbers
/// outside the training range and of unseen categories grow from the first request on. The
/// scores (`report`) are computed from the window when asked (`GET /monitoring`, a metrics
/// scrape), never on the request path.
///
/// A feature is a reference column matched by name: first to a model column (the route's
/// feature expression for it, when the reference CSV is in the model's input columns), else to
/// a parameter. The monitor survives reloads that keep the same reference statistics.
public final class DriftMonitor: Sendable {
    /// How a feature's live value is read from a validated row.
    enum Reader: Sendable {
        case parameter(Int)
        case column(CompiledExpression)
    }

    struct Feature: Sendable {
        let reference: ReferenceDistribution
        let reader: Reader
        /// `parameter` or `column`.
        let source: String
        /// The feature expression, for a computed column.
        let expression: String?
    }

    public let route: String
    public let settings: MonitoringSettings
    /// The statistics' origin: the training CSV's name and the model version they came with.
    public let referenceSource: String
    public let referenceRows: Int
    public let modelTag: String
    let statistics: ReferenceStatistics
    let features: [Feature]
    /// Reference features and parameters not compared, with the reason.
    public let unmonitored: [(name: String, reason: String)]
    private let parameterCount: Int
    /// The route's parameter names, in order.
    let parameters: [String]
    private let window: Mutex<Window>

    struct Window {
        let capacity: Int
        let width: Int
        /// `capacity × width`, row after row: numbers as they are, categories as their bin, NaN missing.
        var values: [Double] = []
        var times: [Double] = []
        var next = 0
        var filled = 0
        var observed = 0
        var outOfRange: [Int]
        var unseen: [Int]

        init(capacity: Int, width: Int) {
            self.capacity = capacity
            self.width = width
            outOfRange = [Int](repeating: 0, count: width)
            unseen = [Int](repeating: 0, count: width)
        }
    }

    init(route: String, settings: MonitoringSettings, statistics: ReferenceStatistics, modelTag: String, features: [Feature],
         unmonitored: [(name: String, reason: String)], parameters: [String]) {
        self.route = route
        self.settings = settings
        self.statistics = statistics
        referenceSource = statistics.source
        referenceRows = statistics.rows
        self.modelTag = modelTag
        self.features = features
        self.unmonitored = unmonitored
        self.parameters = parameters
        parameterCount = parameters.count
        window = Mutex(Window(capacity: settings.windowRows, width: features.count))
    }

    public var featureNames: [String] { features.map(\.reference.name) }

    /// Whether `other` watches the same features against the same reference (a reload that
    /// leaves them alone keeps its window).
    func watchesTheSame(as other: DriftMonitor) -> Bool {
        statistics == other.statistics && settings == other.settings && parameterCount == other.parameterCount
            && zip(features, other.features).allSatisfy { $0.source == $1.source && $0.expression == $1.expression && $0.reference.name == $1.reference.name }
            && features.count == other.features.count
    }

    // MARK: Observing

    /// Notes every row of a prediction: the window keeps the last rows, the counters count all.
    func observe(_ rows: ParameterRows, at now: Double = UTCTime.now()) {
        guard rows.count > 0, !features.isEmpty else { return }
        let width = features.count
        // Only the rows the window keeps are stored; every row is counted. Scratch space on
        // the stack (one request's values), features borrowed in place: no allocation, no copy.
        let keep = Swift.min(rows.count, settings.windowRows)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: keep * width) { values in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * width) { counts in
                counts.initialize(repeating: 0)
                for r in 0..<rows.count {
                    let row = ParameterRow(rows.storage, base: r * parameterCount)
                    let slot = r - (rows.count - keep)
                    for f in 0..<width {
                        let value = Self.read(features[f], row)
                        if slot >= 0 { values.initializeElement(at: slot * width + f, to: value) }
                        guard !value.isNaN else { continue }
                        switch features[f].reference.kind {
                        case .numeric(let numeric): if value < numeric.low || value > numeric.high { counts[f] += 1 }
                        case .categorical(let categorical): if Int(value) == categorical.listed + 1 { counts[width + f] += 1 }
                        }
                    }
                }
                window.withLock { window in
                    window.observed += rows.count
                    for f in 0..<width {
                        window.outOfRange[f] += counts[f]
                        window.unseen[f] += counts[width + f]
                    }
                    if window.values.isEmpty {
                        window.values = [Double](repeating: .nan, count: window.capacity * width)
                        window.times = [Double](repeating: 0, count: window.capacity)
                    }
                    for r in 0..<keep {
                        let slot = window.next
                        for f in 0..<width { window.values[slot * width + f] = values[r * width + f] }
                        window.times[slot] = now
                        window.next = (slot + 1) % window.capacity
                    }
                    window.filled = Swift.min(window.capacity, window.filled + keep)
                }
            }
        }
    }

    /// The value a feature compares: a number, a category's bin, or NaN when missing.
    static func read(_ feature: borrowing Feature, _ row: ParameterRow) -> Double {
        switch feature.reference.kind {
        case .numeric:
            switch feature.reader {
            case .parameter(let i):
                if case .string(let text) = row[i] { return Double(text) ?? .nan }
                return row.number(i)
            case .column(.number(let f)): return f(row)
            case .column(.bool(let f)): return f(row) ? 1 : 0
            case .column(.string(let f)): return Double(f(row)) ?? .nan
            }
        case .categorical(let categorical):
            let text: String?
            switch feature.reader {
            case .parameter(let i): text = Self.text(row[i])
            case .column(.string(let f)): text = f(row)
            case .column(.number(let f)): text = Self.text(.number(f(row)))
            case .column(.bool(let f)): text = f(row) ? "true" : "false"
            }
            return text.map { Double(categorical.bin($0)) } ?? .nan
        }
    }

    /// A value as a category: numbers as the training CSV would write them (`1`, not `1.0`).
    static func text(_ value: ParameterValue) -> String? {
        switch value {
        case .missing: return nil
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let x):
            guard !x.isNaN else { return nil }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return x.description
        }
    }

    // MARK: Reporting

    /// The scores of the rows in the window now (younger than `window_seconds` when set).
    public func report(at now: Double = UTCTime.now()) -> DriftReport {
        let (values, times, filled, next, observed, outOfRange, unseen) = window.withLock {
            ($0.values, $0.times, $0.filled, $0.next, $0.observed, $0.outOfRange, $0.unseen)
        }
        let width = features.count
        let capacity = settings.windowRows
        // Slots from the newest back, while young enough.
        var slots: [Int] = []
        slots.reserveCapacity(filled)
        for back in 0..<filled {
            let slot = (next - 1 - back + capacity) % capacity
            if let age = settings.windowSeconds, now - times[slot] > age { break }
            slots.append(slot)
        }
        slots.reverse()
        let judged = slots.count >= settings.minRows
        let reports = features.enumerated().map { f, feature -> DriftReport.Feature in
            let column = slots.map { values[$0 * width + f] }
            var scores = Self.scores(column, feature.reference)
            for i in scores.indices {
                let threshold = settings.thresholds.threshold(scores[i].method)
                scores[i].threshold = threshold
                scores[i].drifted = judged ? scores[i].score.map { $0 > threshold } : nil
            }
            let drifted: Bool? = judged ? scores.contains { $0.drifted == true } : nil
            return DriftReport.Feature(name: feature.reference.name, source: feature.source, expression: feature.expression,
                                       kind: feature.reference.isNumeric ? "numeric" : "categorical",
                                       rows: column.count, missing: column.reduce(0) { $1.isNaN ? $0 + 1 : $0 }, scores: scores, drifted: drifted,
                                       outOfRange: outOfRange.isEmpty ? 0 : outOfRange[f], unseen: unseen.isEmpty ? 0 : unseen[f])
        }
        return DriftReport(route: route, modelTag: modelTag, referenceSource: referenceSource, referenceRows: referenceRows,
                           settings: settings, rows: slots.count, observed: observed, features: reports,
                           oldest: slots.first.map { times[$0] }, newest: slots.last.map { times[$0] },
                           unmonitored: unmonitored.map { .init(name: $0.name, reason: $0.reason) })
    }

    /// A window's scores for one feature: `column` holds its values (NaN: missing).
    static func scores(_ column: [Double], _ reference: ReferenceDistribution) -> [DriftReport.Score] {
        let present = column.filter { !$0.isNaN }
        let missingRate = column.isEmpty ? 0 : Double(column.count - present.count) / Double(column.count)
        let missing = DriftReport.Score(method: .missing, score: column.isEmpty ? nil : abs(missingRate - reference.missingRate))
        var counts = [Int](repeating: 0, count: reference.bins)
        switch reference.kind {
        case .numeric(let numeric):
            let sorted = present.sorted()
            for value in sorted { counts[numeric.bin(value)] += 1 }
            let shares = counts.map { present.isEmpty ? 0 : Double($0) / Double(present.count) }
            return [
                DriftReport.Score(method: .psi, score: present.isEmpty ? nil : DriftScores.psi(live: shares, reference: reference.shares)),
                DriftReport.Score(method: .ks, score: present.isEmpty ? nil : DriftScores.ks(sorted: sorted, counts: counts, reference: reference, numeric: numeric)),
                missing,
            ]
        case .categorical:
            for value in present {
                let bin = Int(value)
                if counts.indices.contains(bin) { counts[bin] += 1 }
            }
            let shares = counts.map { present.isEmpty ? 0 : Double($0) / Double(present.count) }
            return [
                DriftReport.Score(method: .psi, score: present.isEmpty ? nil : DriftScores.psi(live: shares, reference: reference.shares)),
                DriftReport.Score(method: .jensenShannon, score: present.isEmpty ? nil : DriftScores.jensenShannon(live: shares, reference: reference.shares)),
                missing,
            ]
        }
    }
}
