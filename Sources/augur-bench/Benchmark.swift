import AugurEngine
import AugurONNX
import Foundation

/// One measurement: load the model, run it on prepared batches for a fixed time, report.
///
/// Mirrors bench/engine_ort.py step for step so the numbers compare: the same batches, a
/// warm-up, then calls in turn until the time is up, each call timed on the monotonic clock.
struct Benchmark {
    let options: BenchOptions

    /// Rows whose outputs are summed into the checksums (the same in engine_ort.py).
    static let checksumRows = 5000
    /// One-row inputs prepared for --single (cycled).
    static let singleRows = 10_000

    func run() throws -> [BenchResult] {
        let loadStart = MonotonicClock.nanoseconds()
        let model: ONNXModel
        do { model = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: options.model))) } catch {
            throw BenchFailure("cannot load '\(options.model)': \(error)")
        }
        let loadNanoseconds = MonotonicClock.nanoseconds() - loadStart
        let (elementType, features) = try inputShape(model.plan)
        let pool = try options.input.map { try RowPool(file: $0, features: features, rows: options.rows) }
            ?? RowPool(randomRows: options.rows == 0 ? 10_000 : options.rows, features: features, seed: options.seed)
        let batchSize = options.single ? 1 : options.batch
        let batches = try pool.batches(of: batchSize, elementType: elementType,
                                       limit: options.single ? Self.singleRows : .max)
        let checked = max(1, min(batches.count, Self.checksumRows / batchSize))
        let sums = try checksums(model.plan, batches.prefix(checked))
        _ = try loop(model.plan, batches, seconds: options.warmup, record: false)
        return try (0..<options.repeats).map { repetition in
            let timing = try loop(model.plan, batches, seconds: options.seconds, record: true)
            return BenchResult(
                model: URL(fileURLWithPath: options.model).deletingPathExtension().lastPathComponent,
                mode: options.single ? "single" : "batch", batch: batchSize, timing: timing,
                loadMilliseconds: Double(loadNanoseconds) / 1e6,
                checksumBatches: checked, checksums: sums, repetition: options.repeats > 1 ? repetition : nil)
        }
    }

    /// The element type and row width of the model's only input.
    private func inputShape(_ plan: Plan) throws -> (ElementType, Int) {
        guard plan.inputs.count == 1, case .tensor(let type) = plan.inputs[0].type else {
            throw BenchFailure("augur-bench needs a model with one tensor input; this one takes \(plan.inputs.map { "\($0.name): \($0.type)" }).")
        }
        if let features = options.features { return (type.elementType, features) }
        guard let shape = type.shape, shape.count == 2, let width = shape[1] else {
            throw BenchFailure("input '\(plan.inputs[0].name)' is \(type); pass --features K.")
        }
        return (type.elementType, width)
    }

    /// Runs batches in turn until `seconds` have passed, timing every call.
    private func loop(_ plan: Plan, _ batches: [Value], seconds: Double, record: Bool) throws -> Timing {
        var timing = Timing()
        let rows = batches.map { $0.rowCount ?? 0 }
        if record { timing.latencies.reserveCapacity(1 << 20) }
        let begin = MonotonicClock.nanoseconds()
        let end = begin + UInt64(seconds * 1e9)
        var now = begin
        var index = 0
        while now < end {
            let start = MonotonicClock.nanoseconds()
            let outputs = try plan.run([batches[index]])
            now = MonotonicClock.nanoseconds()
            if record { timing.latencies.append(now - start) }
            timing.outputCount &+= outputs.count
            timing.rows += rows[index]
            index = index + 1 == batches.count ? 0 : index + 1
        }
        timing.nanoseconds = now - begin
        return timing
    }

    /// Per output, the sum and the sum of absolute values of its numbers over `batches`
    /// (maps: of their scores).
    private func checksums(_ plan: Plan, _ batches: ArraySlice<Value>) throws -> [[Double]] {
        var sums = Array(repeating: [0.0, 0.0], count: plan.outputs.count)
        for batch in batches {
            for (index, output) in try plan.run([batch]).enumerated() where index < sums.count {
                for number in Self.numbers(output) {
                    sums[index][0] += number
                    sums[index][1] += abs(number)
                }
            }
        }
        return sums
    }

    private static func numbers(_ value: Value) -> [Double] {
        switch value {
        case .maps(let maps): return maps.scores.map(Double.init)
        case .tensor(let tensor):
            switch tensor.storage {
            case .float32(let v): return v.map(Double.init)
            case .float64(let v): return v
            case .int64(let v): return v.map(Double.init)
            case .int32(let v): return v.map(Double.init)
            case .bool(let v): return v.map { $0 ? 1 : 0 }
            case .string(let v): return v.map { _ in 1 }
            }
        }
    }
}

/// What a timed loop saw.
struct Timing {
    var latencies: [UInt64] = []
    var nanoseconds: UInt64 = 0
    var rows = 0
    /// Kept so the optimiser cannot drop the calls' results.
    var outputCount = 0
}

/// CLOCK_MONOTONIC in nanoseconds (what Python's time.perf_counter_ns reads).
enum MonotonicClock {
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// A benchmark that cannot run, with the reason.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
