/// Command-line options of `augur-bench`.
///
/// `augur-bench MODEL [--input POOL.f32] [--features K] [--rows N] [--batch B] [--seconds S]
/// [--warmup S] [--single] [--seed N] [--repeat R]`
struct BenchOptions {
    var model = ""
    /// Row pool: raw little-endian float32, `features` values per row. Random rows when nil.
    var input: String?
    /// Values per row when the model's input shape does not say.
    var features: Int?
    /// Use the first N pool rows (0: all of a file; 10,000 random rows without one).
    var rows = 0
    var batch = 1000
    var seconds = 2.0
    var warmup = 0.5
    /// One-row calls, each timed: reports median and p99 latency.
    var single = false
    var seed: UInt64 = 1
    /// Measurements in this process, one after the other on the same loaded plan (one JSON
    /// line each): whether a slow process stays slow (issue 13).
    var repeats = 1

    static let usage = """
        usage: augur-bench MODEL [--input POOL.f32] [--features K] [--rows N] [--batch B]
                           [--seconds S] [--warmup S] [--single] [--seed N] [--repeat R]
        Runs MODEL single-threaded on batches of B rows (1 with --single) for S seconds after a
        warm-up and prints one JSON line: rows/s, per-call median and p99 latency (µs). With
        --repeat R, R measurements of S seconds on the same loaded model, a line each.
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--single": options.single = true
            case "--help", "-h": throw BenchUsageError(message: nil)
            case "--input": options.input = try value(argument, &rest)
            case "--features": options.features = try number(argument, &rest, Int.init, minimum: 1)
            case "--rows": options.rows = try number(argument, &rest, Int.init, minimum: 0)
            case "--batch": options.batch = try number(argument, &rest, Int.init, minimum: 1)
            case "--seconds": options.seconds = try number(argument, &rest, Double.init, minimum: 0.001)
            case "--warmup": options.warmup = try number(argument, &rest, Double.init, minimum: 0)
            case "--seed": options.seed = try number(argument, &rest, UInt64.init, minimum: 0)
            case "--repeat": options.repeats = try number(argument, &rest, Int.init, minimum: 1)
            default:
                guard !argument.hasPrefix("-"), options.model.isEmpty else {
                    throw BenchUsageError(message: "unexpected argument '\(argument)'.")
                }
                options.model = argument
            }
        }
        guard !options.model.isEmpty else { throw BenchUsageError(message: "no MODEL given.") }
        return options
    }

    private static func value(_ flag: String, _ rest: inout ArraySlice<String>) throws -> String {
        guard let value = rest.popFirst() else { throw BenchUsageError(message: "\(flag) needs a value.") }
        return value
    }

    private static func number<T: Comparable>(
        _ flag: String, _ rest: inout ArraySlice<String>, _ parse: (String) -> T?, minimum: T
    ) throws -> T {
        let text = try value(flag, &rest)
        guard let parsed = parse(text), parsed >= minimum else {
            throw BenchUsageError(message: "the value '\(text)' is invalid for \(flag).")
        }
        return parsed
    }
}

/// A bad command line: the message (nil for --help) and then the usage text.
struct BenchUsageError: Error {
    let message: String?
}
