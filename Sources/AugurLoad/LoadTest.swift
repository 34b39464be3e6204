import Foundation
import Synchronization

/// A bounded load test of one HTTP endpoint: the same request on 1, 2, 4, … keep-alive
/// connections (one thread each), each step for a fixed time, recording every answer's latency.
/// What `augur loadtest` runs.
public struct LoadTest: Sendable {
    public struct Target: Sendable {
        public var host: String
        public var port: Int
        public var method: String
        public var path: String
        public var body: [UInt8]
        public var headers: [(String, String)]

        public init(host: String, port: Int, method: String = "POST", path: String, body: [UInt8] = [], headers: [(String, String)] = []) {
            self.host = host
            self.port = port
            self.method = method
            self.path = path
            self.body = body
            self.headers = headers
        }

        /// The request bytes, sent as is on every exchange.
        var request: [UInt8] {
            var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: augur-loadtest\r\nAccept: */*\r\n"
            if !body.isEmpty || method == "POST" {
                text += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            }
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            return Array((text + "\r\n").utf8) + body
        }
    }

    /// One step's result.
    public struct Step: Sendable {
        public let connections: Int
        public let seconds: Double
        /// Answers with a 2xx status.
        public let succeeded: Int
        /// Answers with another status.
        public let refused: Int
        /// Connections that failed, closed or timed out mid-exchange.
        public let failed: Int
        public let latencies: LatencyHistogram
        /// The first refusal's status and body, to say what went wrong.
        public let firstRefusal: String?

        public var errors: Int { refused + failed }
        public var rate: Double { seconds > 0 ? Double(succeeded + refused) / seconds : 0 }
        public func milliseconds(_ q: Double) -> Double { latencies.percentile(q) / 1000 }
    }

    public let target: Target
    /// Seconds each step runs.
    public let duration: Double
    public static let durationLimit = 3600.0
    public static let connectionLimit = 1024

    public init(target: Target, duration: Double) {
        self.target = target
        self.duration = duration
    }

    /// Runs `connections` connections for `duration` seconds; `progress` is called about once a
    /// second with the answers so far.
    public func step(connections: Int, progress: (@Sendable (_ answers: Int, _ elapsed: Double) -> Void)? = nil) -> Step {
        let request = target.request
        let done = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let results = Mutex<[(ok: Int, refused: Int, failed: Int, histogram: LatencyHistogram, refusal: String?)]>([])
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        let host = target.host, port = target.port
        for _ in 0..<connections {
            group.enter()
            let thread = Thread {
                var histogram = LatencyHistogram()
                var ok = 0, refused = 0, failed = 0
                var refusal: String?
                let connection = LoadConnection(host: host, port: port)
                while !stop.load(ordering: .relaxed) {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    do {
                        let answer = try connection.exchange(request)
                        let micros = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000
                        if (200..<300).contains(answer.status) {
                            ok += 1
                            histogram.record(microseconds: micros)
                        } else {
                            refused += 1
                            histogram.record(microseconds: micros)
                            if refusal == nil { refusal = "\(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))" }
                        }
                    } catch {
                        failed += 1
                        if refusal == nil { refusal = "\(error)" }
                        // A server that refuses connections must not turn this into a busy loop.
                        usleep(10_000)
                    }
                    done.wrappingAdd(1, ordering: .relaxed)
                }
                connection.close()
                results.withLock { $0.append((ok, refused, failed, histogram, refusal)) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        let end = start + UInt64(duration * 1e9)
        while DispatchTime.now().uptimeNanoseconds < end {
            let left = Double(end - Swift.min(end, DispatchTime.now().uptimeNanoseconds)) / 1e9
            Thread.sleep(forTimeInterval: Swift.min(1, Swift.max(0.01, left)))
            progress?(done.load(ordering: .relaxed), Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        stop.store(true, ordering: .relaxed)
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return results.withLock { all in
            var histogram = LatencyHistogram()
            for r in all { histogram.add(r.histogram) }
            return Step(connections: connections, seconds: seconds, succeeded: all.reduce(0) { $0 + $1.ok },
                        refused: all.reduce(0) { $0 + $1.refused }, failed: all.reduce(0) { $0 + $1.failed },
                        latencies: histogram, firstRefusal: all.lazy.compactMap(\.refusal).first)
        }
    }

    /// The connection counts of a ramp: 1, 2, 4, … up to `maximum` (included).
    public static func ramp(upTo maximum: Int) -> [Int] {
        var steps: [Int] = []
        var n = 1
        while n < maximum {
            steps.append(n)
            n *= 2
        }
        steps.append(maximum)
        return steps
    }

    /// The highest rate among steps without errors whose p99 is within `p99Milliseconds`.
    public static func sustained(_ steps: [Step], p99Milliseconds: Double?) -> Step? {
        steps.filter { step in
            step.errors == 0 && step.succeeded > 0 && (p99Milliseconds.map { step.milliseconds(0.99) <= $0 } ?? true)
        }.max { $0.rate < $1.rate }
    }
}

extension LoadTest {
    /// One plain GET on a new connection (the server's `/openapi.json`): status and body.
    public static func get(host: String, port: Int, path: String) throws -> (status: Int, body: [UInt8]) {
        let connection = LoadConnection(host: host, port: port)
        defer { connection.close() }
        let answer = try connection.exchange(Target(host: host, port: port, method: "GET", path: path).request)
        return (answer.status, Array(answer.body))
    }
}
