import Dispatch

/// Runs `body` for every index in `0..<count` on up to `threads` threads and returns the
/// results in index order.
public func parallelMap<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1, threads > 1 else { return (0..<count).map(body) }
    let results = ParallelResults<T>(count: count)
    let workers = min(threads, count)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for index in stride(from: worker, to: count, by: workers) {
            results.set(index, body(index))
        }
    }
    return results.values
}

/// Results of parallel work, each slot written once by one worker.
private final class ParallelResults<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.wait()
        slots[index] = value
        lock.signal()
    }

    /// Every slot's value (all were set when `concurrentPerform` returned).
    var values: [T] {
        lock.wait()
        defer { lock.signal() }
        return slots.compactMap { $0 }
    }
}
