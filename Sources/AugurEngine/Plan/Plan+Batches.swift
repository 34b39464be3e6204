import Dispatch

extension Plan {
    /// Runs a large batch in chunks of at most `chunkSize` rows on up to `threads` threads.
    ///
    /// Every input must hold the same number of rows (axis 0) and every output must have one
    /// entry per row — true of the row-wise models scikit-learn, LightGBM and XGBoost export.
    /// A plan that mixes rows (an output whose row count differs) is reported, not split.
    public func run(rows feeds: [Value], threads: Int = 1, chunkSize: Int = 65_536) throws -> [Value] {
        let counts = Set(feeds.compactMap(\.rowCount))
        guard counts.count == 1, let total = counts.first else {
            throw EngineError(.shapeMismatch, "all inputs must have the same number of rows; got \(counts.sorted()).")
        }
        let chunk = max(1, min(chunkSize, (total + max(1, threads) - 1) / max(1, threads)))
        let ranges = stride(from: 0, to: total, by: chunk).map { $0..<min(total, $0 + chunk) }
        guard ranges.count > 1 else { return try run(feeds) }
        let results = ChunkResults(count: ranges.count)
        let workers = max(1, min(threads, ranges.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: ranges.count, by: workers) {
                let part = feeds.map { $0.rows(ranges[index]) }
                results.set(index, Result { try self.checkedRows(self.run(part), ranges[index].count) })
            }
        }
        let parts = try results.values()
        return try (0..<outputs.count).map { output in try Value.stacking(parts.map { $0[output] }) }
    }

    private func checkedRows(_ values: [Value], _ rows: Int) throws -> [Value] {
        for (index, value) in values.enumerated() where value.rowCount != rows {
            throw EngineError(.shapeMismatch,
                "output '\(outputs[index].name)' does not have one entry per input row, so the batch cannot be split.")
        }
        return values
    }
}

/// Results of parallel chunks, each written once by one worker.
private final class ChunkResults: @unchecked Sendable {
    private var slots: [Result<[Value], Error>?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<[Value], Error>) {
        lock.wait()
        slots[index] = result
        lock.signal()
    }

    func values() throws -> [[Value]] {
        try slots.map { slot in
            guard let slot else { throw EngineError(.missingInput, "a chunk was not computed.") }
            return try slot.get()
        }
    }
}
