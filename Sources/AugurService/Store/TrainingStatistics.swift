import AugurONNX
import AugurRows
import AugurStore
import Foundation

/// Per-feature summary statistics of a training CSV, stored with a model version
/// (`augur models import --reference train.csv`) for drift checks against live traffic.
public enum TrainingStatistics {
    /// Cells that count as missing: empty, `NA`, `NaN`, `null`, `None` (any case).
    static let missingMarkers: Set<String> = ["", "na", "nan", "null", "none", "n/a"]
    static let quantiles: [(key: String, q: Double)] = [("p01", 0.01), ("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95), ("p99", 0.99)]
    static let maxCategories = 50
    static let bins = 10

    public static func compute(csv data: Data, source: String) throws -> ReferenceStatistics {
        let (header, columns) = try CSVTable.columns(csv: data)
        let features = zip(header, columns).map { summarize(name: $0.0, $0.1) }
        return ReferenceStatistics(source: source, rows: columns.first?.count ?? 0, features: features)
    }

    static func summarize(name: String, _ cells: [String]) -> FeatureStatistics {
        var present: [String] = []
        for cell in cells where !isMissing(trimmed(cell)) {
            present.append(cell)
        }
        let numbers = present.compactMap { Double(trimmed($0)) }.filter(\.isFinite)
        let numeric = !present.isEmpty && numbers.count == present.count
        var stats = FeatureStatistics(name: name, kind: numeric ? "numeric" : "categorical", count: present.count,
                                      missing: cells.count - present.count)
        if numeric {
            let sorted = numbers.sorted()
            let n = Double(sorted.count)
            let mean = sorted.reduce(0, +) / n
            let variance = sorted.count > 1 ? sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
            stats.mean = mean
            stats.std = variance.squareRoot()
            stats.min = sorted.first
            stats.max = sorted.last
            stats.quantiles = Dictionary(uniqueKeysWithValues: quantiles.map { ($0.key, quantile(sorted, $0.q)) })
            let (edges, counts) = histogram(sorted)
            stats.histogramEdges = edges
            stats.histogramCounts = counts
        } else {
            var counts: [String: Int] = [:]
            for value in present { counts[value, default: 0] += 1 }
            stats.distinct = counts.count
            stats.categories = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(maxCategories).map { FeatureStatistics.Category(value: $0.key, count: $0.value) }
        }
        return stats
    }

    /// A cell without leading and trailing blanks, as `trimmingCharacters(in: .whitespaces)`
    /// trims them, without Foundation's character sets: this runs for every cell of the file.
    static func trimmed(_ cell: String) -> Substring {
        let scalars = cell.unicodeScalars
        // Foundation's `.whitespaces`: tab and the space separators (Zs).
        func blank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || (s.value > 0x7F && s.properties.generalCategory == .spaceSeparator) }
        guard let first = scalars.firstIndex(where: { !blank($0) }), let last = scalars.lastIndex(where: { !blank($0) }) else { return "" }
        return Substring(scalars[first...last])
    }

    /// Empty, or one of `missingMarkers` in any case.
    static func isMissing(_ cell: Substring) -> Bool {
        cell.isEmpty || (cell.utf8.count <= 4 && missingMarkers.contains(cell.lowercased()))
    }

    /// Linear interpolation between closest ranks (numpy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    static func histogram(_ sorted: [Double]) -> ([Double], [Int]) {
        guard let low = sorted.first, let high = sorted.last else { return ([], []) }
        let width = (high - low) / Double(bins)
        let edges = (0...bins).map { $0 == bins ? high : low + Double($0) * width }
        var counts = [Int](repeating: 0, count: bins)
        for value in sorted {
            let bin = width > 0 ? Swift.min(Int((value - low) / width), bins - 1) : 0
            counts[bin] += 1
        }
        return (edges, counts)
    }
}
