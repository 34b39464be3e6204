import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The AWS Lambda Runtime API loop (the 2018-06-01 interface every custom runtime speaks):
/// `GET …/invocation/next`, handle the event, then `POST …/invocation/{id}/response` or
/// `…/error`; a failure to start goes to `…/init/error`. One HTTP client, kept alive, and
/// `AWS_LAMBDA_MAX_CONCURRENCY` loops side by side when the function allows several
/// invocations at once. Each invocation is bounded by its deadline.
public struct LambdaRuntime: Sendable {
    /// `host:port` of the Runtime API (`AWS_LAMBDA_RUNTIME_API`).
    public let api: String
    public let logger: Logger

    public init(api: String, logger: Logger) {
        self.api = api
        self.logger = logger
    }

    /// The environment's runtime, or nil outside Lambda.
    public static func fromEnvironment(logger: Logger) -> LambdaRuntime? {
        ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"].map { LambdaRuntime(api: $0, logger: logger) }
    }

    var base: String { "http://\(api)/2018-06-01/runtime" }

    /// Reports a failure to start (`/runtime/init/error`); Lambda then ends this environment.
    public func reportInitError(_ message: String, type: String = "Runtime.InitError") async {
        await withClient { client in
            _ = try? await post(client, "\(base)/init/error", Self.errorBody(message, type), errorType: type)
        }
    }

    /// Runs the loop until the Runtime API goes away (the environment is shut down).
    ///
    /// Each loop owns one event loop thread: its Runtime API connection lives there, and the
    /// loop's task prefers it as its executor (`EventLoopTaskExecutor`), so that fetching an
    /// event, answering it through the router and posting the answer run on one thread, with no
    /// hop between NIO's thread and Swift's cooperative pool (each hop a thread wake-up).
    public func run(_ handle: @escaping @Sendable (_ event: [UInt8], _ requestID: String) async throws -> [UInt8]) async throws {
        let loops = max(1, min(64, Int(ProcessInfo.processInfo.environment["AWS_LAMBDA_MAX_CONCURRENCY"] ?? "") ?? 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<loops {
                group.addTask {
                    let threads = MultiThreadedEventLoopGroup(numberOfThreads: 1)
                    do {
                        let executor = EventLoopTaskExecutor(threads.next())
                        try await withTaskExecutorPreference(executor) {
                            try await withClient(on: threads) { client in try await loop(client, handle) }
                        }
                    } catch {
                        try? await threads.shutdownGracefully()
                        throw error
                    }
                    try? await threads.shutdownGracefully()
                }
            }
            try await group.waitForAll()
        }
    }

    private func loop(_ client: HTTPClient, _ handle: @escaping @Sendable (_ event: [UInt8], _ requestID: String) async throws -> [UInt8]) async throws {
        while true {
            var request = HTTPClientRequest(url: "\(base)/invocation/next")
            request.method = .GET
            // The long poll waits for the next event for as long as the environment lives.
            let next = try await client.execute(request, timeout: .hours(24 * 365))
            let event = [UInt8](buffer: try await next.body.collect(upTo: Self.maxEventBytes))
            guard let id = next.headers.first(name: "Lambda-Runtime-Aws-Request-Id"), !id.isEmpty else {
                logger.error("lambda: an event without Lambda-Runtime-Aws-Request-Id", metadata: ["status": "\(next.status.code)"])
                continue
            }
            if let trace = next.headers.first(name: "Lambda-Runtime-Trace-Id") { setenv("_X_AMZN_TRACE_ID", trace, 1) } else { unsetenv("_X_AMZN_TRACE_ID") }
            let deadline = next.headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap(Double.init).map { $0 / 1000 }
            do {
                let answer = try await Self.bounded(by: deadline) { try await handle(event, id) }
                try await post(client, "\(base)/invocation/\(id)/response", answer, errorType: nil)
            } catch let error as LambdaTimeout {
                try await post(client, "\(base)/invocation/\(id)/error", Self.errorBody(error.description, "Augur.Timeout"), errorType: "Augur.Timeout")
            } catch {
                try await post(client, "\(base)/invocation/\(id)/error", Self.errorBody("\(error)", "Augur.InvalidEvent"), errorType: "Augur.InvalidEvent")
            }
        }
    }

    private func post(_ client: HTTPClient, _ url: String, _ body: [UInt8], errorType: String?) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let errorType { request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        if response.status.code >= 400 { logger.error("lambda: the Runtime API refused a post", metadata: ["url": "\(url)", "status": "\(response.status.code)"]) }
    }

    private func withClient<T>(on threads: (any EventLoopGroup)? = nil, _ body: (HTTPClient) async throws -> T) async rethrows -> T {
        let provider: HTTPClient.EventLoopGroupProvider = threads.map { .shared($0) } ?? .singleton
        let client = HTTPClient(eventLoopGroupProvider: provider, configuration: .init(timeout: .init(connect: .seconds(5))))
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The Runtime API's events are at most 6 MB (synchronous invocations).
    static let maxEventBytes = 6 << 20

    /// `{"errorMessage", "errorType"}`, as the Runtime API expects.
    static func errorBody(_ message: String, _ type: String) -> [UInt8] {
        let object: [String: String] = ["errorMessage": message, "errorType": type]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// Runs `work`, or throws `LambdaTimeout` 50 ms before `deadline` (seconds since 1970).
    static func bounded(by deadline: Double?, _ work: @escaping @Sendable () async throws -> [UInt8]) async throws -> [UInt8] {
        guard let deadline else { return try await work() }
        let left = deadline - Date().timeIntervalSince1970 - 0.05
        guard left > 0 else { throw LambdaTimeout(seconds: 0) }
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(left * 1e9))
                throw LambdaTimeout(seconds: left)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw LambdaTimeout(seconds: left) }
            return first
        }
    }
}

/// The invocation's deadline came before its answer.
struct LambdaTimeout: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "The invocation's deadline passed before Augur answered (\(String(format: "%.3f", seconds)) s were left)." }
}

/// A task executor that runs jobs on one NIO event loop (the Swift 6 `TaskExecutor` protocol):
/// a task preferring it, and the nonisolated async functions and child tasks it calls, run on
/// that loop's thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
