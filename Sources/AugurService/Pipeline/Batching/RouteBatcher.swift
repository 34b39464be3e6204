import Foundation
import Synchronization

/// Adaptive batching of one route's requests (`batching:`): concurrent requests whose rows
/// passed validation wait in a queue and run together through one `predict` of up to
/// `max_batch_rows` rows; each request gets exactly the rows it sent back.
///
/// - A batch runs at once while fewer runs than cores are in progress (so a lone request never
///   waits); otherwise when the queue holds `max_batch_rows` rows, when the first waiting
///   request's deadline (`max_delay_ms` after its arrival, not after the last one's) expires,
///   or when a run finishes and frees its core. Batches form while the model is busy.
/// - A request of `max_batch_rows` rows or more runs alone at once; validation and its errors
///   never wait (decoding happens before the queue).
/// - More than `max_queue_rows` waiting rows: a 503 `overloaded`, answered with `Retry-After`.
/// - A run expected to take longer than `RunCost.inlineBudget` happens on the `ComputePool`
///   (one thread per core), never in the tasks that read requests and write answers; a
///   shorter one in the task of the request that started it.
/// - When a batched run fails (a feature out of an integer input's range in one request), each
///   request of the batch runs alone, so each gets its own answer or its own error.
///
/// One batcher per route version: a reload builds a new route with a new batcher, and the old
/// one finishes the requests it holds with the model they started on.
public final class RouteBatcher: Sendable {
    let pipeline: PredictionPipeline
    public let settings: BatchingSettings

    private struct Waiting {
        let rows: ParameterRows
        let arrival: ContinuousClock.Instant
        let continuation: CheckedContinuation<Result<Predictions, RequestError>, Never>
    }

    private struct State {
        var queue: [Waiting] = []
        var queuedRows = 0
        /// The armed deadline's number; a timer that finds another number is stale.
        var deadline = 0
        var armed = false
        /// Runs in progress.
        var running = 0
    }

    private let state = Mutex(State())
    /// The measured time per row of batched runs: a short run starts inline.
    private let cost = RunCost()
    /// Batches run and rows in them, for metrics and tests.
    private let counters = Mutex((batches: 0, rows: 0))

    init(pipeline: PredictionPipeline, settings: BatchingSettings) {
        self.pipeline = pipeline
        self.settings = settings
    }

    /// Batches run so far and the rows they held.
    public var statistics: (batches: Int, rows: Int) { counters.withLock { $0 } }

    /// The predictions for validated rows, run in a batch with other requests' rows.
    public func predict(_ rows: ParameterRows) async throws(RequestError) -> Predictions {
        if rows.count == 0 || rows.count >= settings.maxBatchRows {
            return try await ComputePool.run { [pipeline] () throws(RequestError) in try pipeline.predict(rows) }
        }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Predictions, RequestError>, Never>) in
            enum Action { case refuse, run(Int), arm(Int), wait }
            let now = ContinuousClock.now
            let action: Action = state.withLock { s in
                guard s.queuedRows + rows.count <= settings.maxQueueRows else { return .refuse }
                s.queue.append(Waiting(rows: rows, arrival: now, continuation: continuation))
                s.queuedRows += rows.count
                if s.queuedRows >= settings.maxBatchRows || s.running < settings.idleRuns { return .run(min(s.queuedRows, settings.maxBatchRows)) }
                guard !s.armed else { return .wait }
                s.armed = true
                s.deadline += 1
                return .arm(s.deadline)
            }
            switch action {
            case .refuse:
                continuation.resume(returning: .failure(.overloaded(queuedRowsLimit: settings.maxQueueRows)))
            case .run(let rows):
                // A short run starts in this request's task (no hop to another thread);
                // a long one on the compute pool.
                if cost.runsLong(rows) {
                    ComputePool.submit { self.flush(deadline: nil) }
                } else {
                    flush(deadline: nil)
                }
            case .arm(let deadline):
                schedule(deadline, after: settings.maxDelay)
            case .wait:
                break
            }
        }
        return try result.get()
    }

    private func schedule(_ deadline: Int, after delay: Duration) {
        Task {
            try? await Task.sleep(for: delay)
            ComputePool.submit { self.flush(deadline: deadline) }
        }
    }

    /// Takes up to `max_batch_rows` rows of whole requests from the queue and runs them;
    /// re-arms the deadline of what is left (from its first request's arrival). A timer whose
    /// deadline was replaced does nothing.
    private func flush(deadline: Int?) {
        var deadline = deadline
        // A loop, not recursion: under steady load a run is followed by the next for as long
        // as requests keep coming.
        while true {
            let (batch, rearm): ([Waiting], (Int, Duration)?) = state.withLock { s in
                if let deadline, !(s.armed && s.deadline == deadline) { return ([], nil) }
                guard !s.queue.isEmpty else { return ([], nil) }
                var batch: [Waiting] = []
                var rows = 0
                while let first = s.queue.first, batch.isEmpty || rows + first.rows.count <= settings.maxBatchRows {
                    batch.append(s.queue.removeFirst())
                    rows += first.rows.count
                }
                s.queuedRows -= rows
                s.running += 1
                s.deadline += 1
                guard let next = s.queue.first else {
                    s.armed = false
                    return (batch, nil)
                }
                s.armed = true
                let left = settings.maxDelay - (ContinuousClock.now - next.arrival)
                return (batch, (s.deadline, s.queuedRows >= settings.maxBatchRows ? .zero : max(.zero, left)))
            }
            if let (deadline, delay) = rearm { schedule(deadline, after: delay) }
            guard !batch.isEmpty else { return }
            run(batch)
            // The run's core is free: what waited meanwhile starts now (work-conserving).
            let more = state.withLock { s in
                s.running -= 1
                return !s.queue.isEmpty && s.running < settings.idleRuns
            }
            guard more else { return }
            deadline = nil
        }
    }

    private func run(_ batch: [Waiting]) {
        let total = batch.reduce(0) { $0 + $1.rows.count }
        counters.withLock { $0.batches += 1; $0.rows += total }
        let started = ContinuousClock.now
        let clock = RunCost.now
        defer { cost.record(rows: total, since: clock) }
        if batch.count == 1, let only = batch.first {
            only.continuation.resume(returning: Result { () throws(RequestError) in
                var predictions = try pipeline.predict(only.rows)
                predictions.batch = (total, started - only.arrival)
                return predictions
            })
            return
        }
        do throws(RequestError) {
            let predictions = try pipeline.predict(ParameterRows.joined(batch.map(\.rows)))
            var start = 0
            for waiting in batch {
                let range = start..<(start + waiting.rows.count)
                var mine = predictions.rows(range, isBatch: waiting.rows.isBatch)
                mine.batch = (total, started - waiting.arrival)
                waiting.continuation.resume(returning: .success(mine))
                start = range.upperBound
            }
        } catch {
            for waiting in batch {
                waiting.continuation.resume(returning: Result { () throws(RequestError) in try pipeline.predict(waiting.rows) })
            }
        }
    }
}
