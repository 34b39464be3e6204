/// One measurement as the JSON line bench/engine.sh collects (same keys as engine_ort.py).
struct BenchResult {
    let model: String
    let mode: String
    let batch: Int
    let timing: Timing
    let loadMilliseconds: Double
    let checksumBatches: Int
    let checksums: [[Double]]
    /// With --repeat: which measurement of the process this is (from 0); the key is left out otherwise.
    var repetition: Int? = nil

    var seconds: Double { Double(timing.nanoseconds) / 1e9 }
    var rowsPerSecond: Double { seconds > 0 ? Double(timing.rows) / seconds : 0 }

    /// Nearest-rank percentile of the per-call latencies, in microseconds.
    func percentile(_ sorted: [UInt64], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return Double(sorted[min(sorted.count - 1, max(0, rank))]) / 1000
    }

    func jsonLine() -> String {
        let sorted = timing.latencies.sorted()
        var fields: [(String, String)] = [
            ("engine", quoted("augur")), ("model", quoted(model)), ("mode", quoted(mode)),
            ("batch", "\(batch)"), ("calls", "\(timing.latencies.count)"), ("rows", "\(timing.rows)"),
            ("seconds", number(seconds, 4)), ("rows_per_s", number(rowsPerSecond, 1)),
            ("median_us", number(percentile(sorted, 0.5), 3)), ("p99_us", number(percentile(sorted, 0.99), 3)),
            ("load_ms", number(loadMilliseconds, 2)), ("checksum_batches", "\(checksumBatches)"),
            ("checksums", "[\(checksums.map { pair in "[\(pair.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ", "))]" }.joined(separator: ", "))]"),
        ]
        if let repetition { fields.append(("repetition", "\(repetition)")) }
        return "{" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `value` rounded to `places` decimals, as a JSON number.
    private func number(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return "\((value * scale).rounded() / scale)"
    }
}
