import ArgumentParser
import AugurLoad
import Foundation

/// `augur loadtest URL --duration S`: how many requests per second a running Augur (or any
/// HTTP JSON endpoint) answers, and at what latency, ramping keep-alive connections.
struct LoadTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "How many requests per second does the API survive? Ramps keep-alive connections 1, 2, 4, … against a running server.",
        discussion: """
            Each step sends the same request on N connections (one thread each) for --duration seconds and \
            reports requests/s, p50/p99/p99.9 and errors; the ramp stops after the first step with errors or \
            above --p99. The body is the route's example from the server's /openapi.json unless --body is given.
            """)

    @Argument(help: "The server's base URL, e.g. http://127.0.0.1:8000 (plain HTTP).") var url: String
    @Option(help: "The route to load (default: the first route in /openapi.json).") var route: String?
    @Option(help: "A file with the JSON body to send (default: the route's example).") var body: String?
    @Option(help: "Seconds each step runs (required: a load test is always bounded).") var duration: Double
    @Option(help: "The most connections the ramp reaches.") var maxConnections: Int = 64
    @Option(help: "Run this many connections only, no ramp.") var connections: Int?
    @Option(name: .customLong("p99"), help: "Target p99 in milliseconds: the ramp stops at the first step above it.") var p99: Double?
    @Option(help: "An extra request header, 'Name: value' (repeatable), e.g. an API key.") var header: [String] = []
    @Option(help: "Also write the results as JSON to this file.") var json: String?

    func validate() throws {
        guard duration > 0, duration <= LoadTest.durationLimit else {
            throw ValidationError("--duration must be more than 0 and at most \(Int(LoadTest.durationLimit)) seconds.")
        }
        let limit = LoadTest.connectionLimit
        guard (1...limit).contains(maxConnections), (connections ?? 1) >= 1, (connections ?? 1) <= limit else {
            throw ValidationError("Connections must be between 1 and \(limit).")
        }
        if let p99, !(p99 > 0) { throw ValidationError("--p99 must be a positive number of milliseconds.") }
        for h in header where !h.contains(":") { throw ValidationError("--header '\(h)' must read 'Name: value'.") }
    }

    func run() throws {
        let (host, port) = try Self.hostAndPort(url)
        let headers = header.map { h -> (String, String) in
            let parts = h.split(separator: ":", maxSplits: 1)
            return (String(parts[0]).trimmingCharacters(in: .whitespaces), String(parts[1]).trimmingCharacters(in: .whitespaces))
        }
        let (path, requestBody) = try request(host: host, port: port, headers: headers)
        let test = LoadTest(target: .init(host: host, port: port, path: path, body: requestBody, headers: headers), duration: duration)
        let plan = connections.map { [$0] } ?? LoadTest.ramp(upTo: maxConnections)
        print("Load test of POST \(url)\(path): \(plan.map(String.init).joined(separator: ", ")) connection\(plan == [1] ? "" : "s"), \(Self.number(duration)) s each\(p99.map { ", target p99 \(Self.number($0)) ms" } ?? "")")
        print(Self.header)
        var steps: [LoadTest.Step] = []
        for n in plan {
            let step = test.step(connections: n) { answers, elapsed in
                let line = "  \(n) connection\(n == 1 ? "" : "s"): \(String(format: "%.0f", elapsed)) s, \(Self.grouped(Double(answers) / max(elapsed, 0.001))) req/s"
                FileHandle.standardError.write(Data(("\r" + line.padding(toLength: 60, withPad: " ", startingAt: 0)).utf8))
            }
            FileHandle.standardError.write(Data("\r\(String(repeating: " ", count: 60))\r".utf8))
            steps.append(step)
            print(Self.row(step))
            if step.succeeded == 0 || step.errors > 0 {
                if let why = step.firstRefusal { print("  stopped: \(step.errors) error\(step.errors == 1 ? "" : "s"), the first: \(why)") }
                break
            }
            if let p99, step.milliseconds(0.99) > p99 {
                print("  stopped: p99 \(Self.number(step.milliseconds(0.99))) ms is above the target \(Self.number(p99)) ms")
                break
            }
        }
        let best = LoadTest.sustained(steps, p99Milliseconds: p99)
        if let best {
            print("Highest rate held with no errors\(p99.map { " and p99 ≤ \(Self.number($0)) ms" } ?? ""): \(Self.grouped(best.rate)) req/s at \(best.connections) connection\(best.connections == 1 ? "" : "s") (p99 \(Self.number(best.milliseconds(0.99))) ms)")
        } else {
            print("No step held without errors\(p99.map { " within p99 \(Self.number($0)) ms" } ?? "").")
        }
        if let json { try write(json: json, path: path, steps: steps, best: best) }
        if best == nil { throw ExitCode(1) }
    }

    /// The path and body: the route's from the server's OpenAPI document unless given.
    private func request(host: String, port: Int, headers: [(String, String)]) throws -> (String, [UInt8]) {
        var path = route.map { "/" + $0 }
        var bytes: [UInt8]?
        if let body {
            guard let data = FileManager.default.contents(atPath: body) else { throw CommandFailure("Cannot read the body file '\(body)'.") }
            guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
                throw CommandFailure("'\(body)' is not JSON.")
            }
            bytes = [UInt8](data)
        }
        if let path, let bytes { return (path, bytes) }
        let document: [UInt8]
        do {
            let answer = try LoadTest.get(host: host, port: port, path: "/openapi.json")
            guard answer.status == 200 else { throw CommandFailure("GET \(url)/openapi.json answered \(answer.status); give --route and --body.") }
            document = answer.body
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("Cannot read \(url)/openapi.json (\(error)); is the server running? Or give --route and --body.")
        }
        guard let root = try? JSONSerialization.jsonObject(with: Data(document)) as? [String: Any],
              let paths = root["paths"] as? [String: Any] else {
            throw CommandFailure("\(url)/openapi.json is not an OpenAPI document; give --route and --body.")
        }
        let routes = paths.keys.sorted().filter { key in
            ((paths[key] as? [String: Any])?["post"] as? [String: Any])?["operationId"] as? String == "predict_" + key.dropFirst()
        }
        let chosen = path ?? routes.first
        guard let chosen, let post = (paths[chosen] as? [String: Any])?["post"] as? [String: Any] else {
            throw CommandFailure("No route \(route.map { "'\($0)' " } ?? "")in \(url)/openapi.json (routes: \(routes.map { String($0.dropFirst()) }.joined(separator: ", "))).")
        }
        if path == nil, routes.count > 1 { print("Route \(chosen) (others: \(routes.dropFirst().joined(separator: ", ")); choose with --route)") }
        if bytes == nil {
            let content = ((post["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
            guard let example = ((content?["examples"] as? [String: Any])?["single"] as? [String: Any])?["value"],
                  let data = try? JSONSerialization.data(withJSONObject: example, options: [.fragmentsAllowed]) else {
                throw CommandFailure("The route \(chosen) has no example request in the OpenAPI document; give --body.")
            }
            bytes = [UInt8](data)
        }
        return (chosen, bytes ?? [])
    }

    static func hostAndPort(_ url: String) throws -> (String, Int) {
        guard url.hasPrefix("http://") else {
            throw ValidationError("'\(url)' is not an http:// URL (the load test speaks plain HTTP/1.1; put TLS aside for it).")
        }
        var rest = url.dropFirst("http://".count)
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let host = String(rest[rest.index(after: rest.startIndex)..<close])
            let port = rest[close...].dropFirst().hasPrefix(":") ? Int(rest[close...].dropFirst(2)) : 80
            guard let port, (1...65535).contains(port) else { throw ValidationError("'\(url)' has no valid port.") }
            return (host, port)
        }
        let parts = rest.split(separator: ":", maxSplits: 1)
        guard let first = parts.first, !first.isEmpty else { throw ValidationError("'\(url)' has no host.") }
        let port = parts.count == 2 ? Int(parts[1]) : 80
        guard let port, (1...65535).contains(port) else { throw ValidationError("'\(url)' has no valid port.") }
        return (String(first), port)
    }

    static let header = "connections        req/s     p50 ms     p99 ms   p99.9 ms   errors"

    static func row(_ step: LoadTest.Step) -> String {
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        return pad(String(step.connections), 11) + pad(grouped(step.rate), 13) + pad(number(step.milliseconds(0.5)), 11)
            + pad(number(step.milliseconds(0.99)), 11) + pad(number(step.milliseconds(0.999)), 11) + pad(String(step.errors), 9)
    }

    static func number(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : x >= 10 ? String(format: "%.1f", x) : String(format: "%.2f", x) }

    static func grouped(_ x: Double) -> String {
        let digits = String(Int(x.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    private func write(json path: String, path route: String, steps: [LoadTest.Step], best: LoadTest.Step?) throws {
        func entry(_ s: LoadTest.Step) -> [String: Any] {
            ["connections": s.connections, "seconds": s.seconds, "requests": s.succeeded + s.refused, "rate": s.rate,
             "p50_ms": s.milliseconds(0.5), "p99_ms": s.milliseconds(0.99), "p999_ms": s.milliseconds(0.999),
             "max_ms": s.latencies.maximumMicroseconds / 1000, "errors": s.errors, "refused": s.refused, "failed": s.failed]
        }
        let object: [String: Any] = ["url": url, "route": route, "duration": duration, "target_p99_ms": p99 as Any,
                                     "steps": steps.map(entry), "sustained": best.map(entry) as Any]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        guard FileManager.default.createFile(atPath: path, contents: data) else { throw CommandFailure("Cannot write '\(path)'.") }
    }
}
