import Foundation

// augur-bench: the Augur side of bench/engine.sh. See BenchOptions.usage.
do {
    let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
    for result in try Benchmark(options: options).run() { print(result.jsonLine()) }
} catch let error as BenchUsageError {
    if let message = error.message { FileHandle.standardError.write(Data("augur-bench: \(message)\n".utf8)) }
    FileHandle.standardError.write(Data((BenchOptions.usage + "\n").utf8))
    exit(error.message == nil ? 0 : 2)
} catch {
    FileHandle.standardError.write(Data("augur-bench: \(error)\n".utf8))
    exit(1)
}
