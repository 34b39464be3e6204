import Dispatch
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// The threads long predictions run on, one per core, apart from the tasks that read requests
/// and write answers: a 1,000-row request on a 500-tree forest, a batch or an explanation
/// then holds a pool thread, and other connections' small requests are still answered.
/// Short predictions run inline, in the request's own task: the hop to a pool thread and back
/// costs more than they do (`RunCost` decides).
public enum ComputePool {
    /// Started once, never stopped: it lives as long as the process.
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    /// `work` on a pool thread; the caller's task waits for it without holding a thread.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws(RequestError) -> T) async throws(RequestError) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, RequestError>, Never>) in
            // The pool is never stopped, so the work always runs (on the caller's thread if it
            // ever were stopped), and the continuation is always resumed.
            threads.submit { _ in continuation.resume(returning: Result { () throws(RequestError) in try work() }) }
        }
        return try result.get()
    }

    /// `work` on a pool thread, not waited for.
    static func submit(_ work: @escaping @Sendable () -> Void) {
        threads.submit { _ in work() }
    }
}

/// A route's measured time per row (a moving average over its runs), which decides whether a
/// request's prediction runs inline or on the `ComputePool`: on the pool when its rows times
/// the time per row exceed `inlineBudget`.
final class RunCost: Sendable {
    /// The longest run kept inline, in nanoseconds: 250 µs, or `AUGUR_INLINE_BUDGET_US`
    /// microseconds (0: every measured run goes to the pool; profiling under valgrind, which
    /// runs code ~50× slower, sets it high to keep the inline path).
    static let inlineBudget: Int = {
        guard let text = ProcessInfo.processInfo.environment["AUGUR_INLINE_BUDGET_US"], let micros = Int(text),
              (0...60_000_000).contains(micros) else { return 250_000 }
        return micros * 1000
    }()
    private let nanosecondsPerRow = Atomic<Int>(0)

    /// A start time for `record` (monotonic nanoseconds).
    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Whether `rows` rows are expected to take longer than the inline budget (false until the
    /// first run was measured).
    func runsLong(_ rows: Int) -> Bool {
        let (total, overflow) = rows.multipliedReportingOverflow(by: nanosecondsPerRow.load(ordering: .relaxed))
        return overflow || total > Self.inlineBudget
    }

    /// Folds a run of `rows` rows that started at `start` (`RunCost.now`) into the average
    /// (a quarter's weight).
    func record(rows: Int, since start: UInt64) {
        guard rows > 0 else { return }
        let elapsed = Self.now &- start
        let sample = max(1, Int(truncatingIfNeeded: min(elapsed, UInt64(Int.max))) / rows)
        let old = nanosecondsPerRow.load(ordering: .relaxed)
        // Races between requests lose a sample at worst.
        nanosecondsPerRow.store(old == 0 ? sample : old / 4 * 3 + sample / 4, ordering: .relaxed)
    }
}
