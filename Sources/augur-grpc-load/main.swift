// A bounded gRPC load generator for bench/run.sh: the Open Inference Protocol's ModelInfer,
// the same request in a closed loop from C concurrent callers spread over N HTTP/2 connections,
// for a warm-up and then S measured seconds. Prints one JSON line in the fields bench/http_wrk.lua
// prints for wrk (requests, duration, exact latency percentiles in µs, errors), so the HTTP
// report reads both. Only 127.0.0.1 is meant to be contacted.
//
//   augur-grpc-load --port P --model NAME [--concurrency C] [--connections N] [--seconds S] [--warmup W]
//
// The request is the HTTP benchmark's V2 body as protobuf: one FP32 [1, 4] input named `input`
// in `contents.fp32_contents` (both Augur and MLServer read it). A reply must carry an output.
import AugurGRPC
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf

struct Options {
    var port = 0
    var model = "loan"
    var concurrency = 64
    var connections = 2
    var seconds = 8.0
    var warmup = 2.0

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let flag = it.next() {
            guard let value = it.next() else { Self.fail("\(flag) needs a value") }
            switch flag {
            case "--port": port = Int(value) ?? 0
            case "--model": model = value
            case "--concurrency": concurrency = Int(value) ?? 0
            case "--connections": connections = Int(value) ?? 0
            case "--seconds": seconds = Double(value) ?? 0
            case "--warmup": warmup = Double(value) ?? 0
            default: Self.fail("unknown flag \(flag)")
            }
        }
        guard (1...65535).contains(port), (1...4096).contains(concurrency), (1...64).contains(connections), seconds > 0, warmup >= 0
        else { Self.fail("usage: augur-grpc-load --port P --model NAME [--concurrency C] [--connections N] [--seconds S] [--warmup W]") }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("augur-grpc-load: \(message)\n".utf8))
        exit(2)
    }
}

/// What one caller saw in the measured window.
struct Tally: Sendable {
    var latenciesNs: [UInt64] = []
    var errors = 0
}

func request(_ model: String) -> Inference_ModelInferRequest {
    var input = Inference_ModelInferRequest.InferInputTensor()
    input.name = "input"
    input.datatype = "FP32"
    input.shape = [1, 4]
    input.contents.fp32Contents = [5849, 128, 1, 2]
    var request = Inference_ModelInferRequest()
    request.modelName = model
    request.inputs = [input]
    return request
}

/// Calls in a closed loop until `end`; counts only calls that start at or after `start`.
func caller(_ client: Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>, _ message: Inference_ModelInferRequest,
            start: ContinuousClock.Instant, end: ContinuousClock.Instant) async -> Tally {
    var tally = Tally()
    tally.latenciesNs.reserveCapacity(1 << 16)
    let clock = ContinuousClock()
    while true {
        let began = clock.now
        guard began < end else { break }
        let ok: Bool
        do {
            let reply = try await client.modelInfer(message)
            ok = !reply.outputs.isEmpty
        } catch {
            ok = false
        }
        guard began >= start else { continue }
        let elapsed = began.duration(to: clock.now)
        if ok {
            tally.latenciesNs.append(UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000))
        } else {
            tally.errors += 1
        }
    }
    return tally
}

let options = Options(CommandLine.arguments)
let message = request(options.model)
let clock = ContinuousClock()
let clients = try (0..<options.connections).map { _ in
    GRPCClient(transport: try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: options.port), transportSecurity: .plaintext))
}
let tallies: [Tally] = try await withThrowingTaskGroup(of: Void.self) { connections in
    for client in clients { connections.addTask { try await client.runConnections() } }
    let start = clock.now.advanced(by: .milliseconds(Int(options.warmup * 1000)))
    let end = start.advanced(by: .milliseconds(Int(options.seconds * 1000)))
    let tallies = await withTaskGroup(of: Tally.self) { callers in
        for i in 0..<options.concurrency {
            let client = Inference_GRPCInferenceService.Client(wrapping: clients[i % clients.count])
            callers.addTask { await caller(client, message, start: start, end: end) }
        }
        var all: [Tally] = []
        for await tally in callers { all.append(tally) }
        return all
    }
    for client in clients { client.beginGracefulShutdown() }
    connections.cancelAll()
    return tallies
}

let latencies = tallies.flatMap(\.latenciesNs).sorted()
let errors = tallies.reduce(0) { $0 + $1.errors }
/// Nearest-rank percentile, in µs.
func percentile(_ q: Double, _ sorted: [UInt64]) -> UInt64 {
    sorted.isEmpty ? 0 : sorted[max(0, min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))] / 1000
}
let mean = latencies.isEmpty ? 0 : Double(latencies.reduce(0, +)) / Double(latencies.count) / 1000
let fields: [(String, String)] = [
    ("requests", "\(latencies.count + errors)"), ("duration_us", "\(Int(options.seconds * 1_000_000))"), ("bytes", "0"),
    ("p50_us", "\(percentile(0.5, latencies))"), ("p90_us", "\(percentile(0.9, latencies))"), ("p99_us", "\(percentile(0.99, latencies))"),
    ("p999_us", "\(percentile(0.999, latencies))"), ("max_us", "\((latencies.last ?? 0) / 1000)"), ("mean_us", String(format: "%.2f", mean)),
    ("non_2xx", "\(errors)"), ("connect_errors", "0"), ("read_errors", "0"), ("write_errors", "0"), ("timeouts", "0"),
]
print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
