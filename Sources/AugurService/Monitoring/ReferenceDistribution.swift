import AugurStore
import Foundation

/// One feature's training distribution (`FeatureStatistics`), prepared for comparing live
/// values with it: the bins a live value falls in, and the reference's share of each.
///
/// Numbers use the stored 10 equal-width bins between the training minimum and maximum, plus
/// one bin below the minimum and one above the maximum (which hold nothing in the reference);
/// a value is put in a bin with the same arithmetic `TrainingStatistics.histogram` used, so a
/// training value lands where it was counted. Categories use the stored most frequent values,
/// then `other` (values the reference had but did not list) and `unseen` (values it did not
/// have: known only when it listed every value it had).
struct ReferenceDistribution: Sendable {
    enum Kind: Sendable {
        case numeric(Numeric)
        case categorical(Categorical)
    }

    struct Numeric: Sendable {
        let low: Double
        let high: Double
        let width: Double
        /// The stored quantiles as (probability, value), by probability.
        let quantiles: [(p: Double, x: Double)]
        /// The inner bins' reference shares (10 when the histogram was stored).
        let inner: Int

        /// 0: below the minimum, 1…inner: the stored bins, inner + 1: above the maximum.
        func bin(_ value: Double) -> Int {
            if value < low { return 0 }
            if value > high { return inner + 1 }
            guard width > 0 else { return 1 }
            return Swift.min(Int((value - low) / width), inner - 1) + 1
        }
    }

    struct Categorical: Sendable {
        /// Listed value → bin.
        let index: [String: Int]
        /// True when every value the reference had is listed (then anything else is unseen).
        let complete: Bool
        var listed: Int { index.count }
        /// The bin of a live value: listed, `other` (listed count) or `unseen` (listed + 1).
        func bin(_ value: String) -> Int {
            if let i = index[value] { return i }
            return complete ? listed + 1 : listed
        }
    }

    let name: String
    let kind: Kind
    /// The reference's share of each bin (numbers: below, 10 bins, above; categories: listed,
    /// other, unseen). Sums to 1.
    let shares: [Double]
    /// Missing cells over all cells of the reference.
    let missingRate: Double
    /// Rows in the reference (present + missing).
    let rows: Int

    var bins: Int { shares.count }

    /// The sum, or nil when it overflows.
    static func sum(_ values: [Int]) -> Int? {
        var total = 0
        for value in values {
            let (next, overflow) = total.addingReportingOverflow(value)
            if overflow { return nil }
            total = next
        }
        return total
    }
    var isNumeric: Bool { if case .numeric = kind { true } else { false } }

    /// Nil when the statistics cannot be compared with (no present value, no histogram).
    init?(_ stats: FeatureStatistics) {
        name = stats.name
        // Counts come from a file (a store's reference.json): checked, never trusted to add up.
        guard stats.count > 0, stats.missing >= 0, let rows = Self.sum([stats.count, stats.missing]) else { return nil }
        self.rows = rows
        missingRate = Double(stats.missing) / Double(rows)
        let present = Double(stats.count)
        if stats.kind == "numeric" {
            guard let low = stats.min, let high = stats.max, low.isFinite, high.isFinite, low <= high,
                  let counts = stats.histogramCounts, !counts.isEmpty, counts.count <= 1000,
                  counts.allSatisfy({ $0 >= 0 }), Self.sum(counts) == stats.count else { return nil }
            let quantiles = (stats.quantiles ?? [:]).compactMap { key, x -> (p: Double, x: Double)? in
                guard key.hasPrefix("p"), let percent = Double(key.dropFirst()), x.isFinite else { return nil }
                return (percent / 100, x)
            }.sorted { $0.p < $1.p }
            kind = .numeric(Numeric(low: low, high: high, width: (high - low) / Double(counts.count), quantiles: quantiles, inner: counts.count))
            shares = [0] + counts.map { Double($0) / present } + [0]
        } else {
            let categories = stats.categories ?? []
            guard !categories.isEmpty else { return nil }
            var index: [String: Int] = [:]
            for category in categories where index[category.value] == nil { index[category.value] = index.count }
            guard categories.allSatisfy({ $0.count >= 0 }), let listed = Self.sum(categories.map(\.count)), listed <= stats.count else { return nil }
            let complete = (stats.distinct ?? Int.max) <= index.count
            kind = .categorical(Categorical(index: index, complete: complete))
            var shares = [Double](repeating: 0, count: index.count + 2)
            for category in categories { if let bin = index[category.value] { shares[bin] += Double(category.count) / present } }
            shares[index.count] = Double(Swift.max(0, stats.count - listed)) / present
            self.shares = shares
        }
    }
}

/// The drift scores of one feature's live window against its reference.
///
/// - `psi`: the Population Stability Index, Σ (live − reference) · ln(live / reference) over
///   the bins, each share below `epsilon` raised to it (Evidently's handling of empty bins).
/// - `ks` (numbers): the largest gap between the live and reference cumulative distributions
///   at the 11 histogram edges (both counted by bin) and at the stored quantiles; at a
///   quantile value x with probability p the gap is how far p lies outside
///   [F_live(x−), F_live(x)], so ties never count as drift.
/// - `jensen_shannon` (categories): the Jensen–Shannon distance (base 2, in [0, 1]) between
///   the live and reference shares.
/// - `missing`: |live missing rate − reference missing rate|.
enum DriftScores {
    static let epsilon = 1e-4

    static func psi(live: [Double], reference: [Double]) -> Double {
        var sum = 0.0
        for (a, e) in zip(live, reference) {
            let a = Swift.max(a, epsilon), e = Swift.max(e, epsilon)
            sum += (a - e) * log(a / e)
        }
        return sum
    }

    static func jensenShannon(live: [Double], reference: [Double]) -> Double {
        var divergence = 0.0
        for (p, q) in zip(live, reference) {
            let m = (p + q) / 2
            if p > 0 { divergence += p * log2(p / m) / 2 }
            if q > 0 { divergence += q * log2(q / m) / 2 }
        }
        return Swift.max(0, divergence).squareRoot()
    }

    /// `values`: the window's present values (sorted ascending); `counts`: their bins.
    static func ks(sorted values: [Double], counts: [Int], reference: ReferenceDistribution, numeric: ReferenceDistribution.Numeric) -> Double {
        let n = Double(values.count)
        guard n > 0 else { return 0 }
        var gap = 0.0
        var live = 0.0, ref = 0.0
        // Edges 0…inner: before bin 1 (after the "below" bin) up to before the "above" bin.
        live = Double(counts[0]) / n
        ref = reference.shares[0]
        gap = Swift.max(gap, abs(live - ref))
        for bin in 1...numeric.inner {
            live += Double(counts[bin]) / n
            ref += reference.shares[bin]
            gap = Swift.max(gap, abs(live - ref))
        }
        for (p, x) in numeric.quantiles {
            let below = Double(lowerBound(values, x)) / n
            let atOrBelow = Double(upperBound(values, x)) / n
            gap = Swift.max(gap, below - p, p - atOrBelow)
        }
        return gap
    }

    /// Index of the first element ≥ x.
    static func lowerBound(_ values: [Double], _ x: Double) -> Int {
        var (lo, hi) = (0, values.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the first element > x.
    static func upperBound(_ values: [Double], _ x: Double) -> Int {
        var (lo, hi) = (0, values.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
