import Dispatch

/// Model import and route building take milliseconds to seconds of CPU: they run here, on
/// one Dispatch queue of their own, never on the cooperative pool whose threads serve requests.
/// Every load (start-up, hot reload, MLflow, `augur predict --config`) goes through it.
enum LoadQueue {
    private static let queue = DispatchQueue(label: "augur.model-loads", qos: .utility)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
