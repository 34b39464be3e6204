import AugurService
import Logging
import ServiceLifecycle
import UnixSignals

/// Keeps the registry's models current while the server runs: checks every `interval` seconds
/// (0: never) and on each SIGHUP; stops with the server's graceful shutdown.
struct ReloadService: ServiceLifecycle.Service {
    let registry: ModelRegistry
    let interval: Double
    let logger: Logger

    func run() async throws {
        let registry = registry, interval = interval, logger = logger
        let signals = await UnixSignalsSequence(trapping: .sighup)
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in signals {
                        logger.info("SIGHUP: checking models for new versions")
                        Self.report(await registry.check(), logger: logger)
                    }
                }
                if interval > 0 && registry.configuration.models.contains(where: \.source.canChange) {
                    group.addTask {
                        while !Task.isCancelled {
                            do {
                                try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                            } catch {
                                return
                            }
                            Self.report(await registry.check(), logger: logger)
                        }
                    }
                }
                await group.waitForAll()
            }
        }
    }

    static func report(_ events: [ReloadEvent], logger: Logger) {
        for event in events {
            switch event {
            case let .swapped(entry, from, to):
                logger.notice("model reloaded", metadata: ["model": "\(entry)", "from": "\(from)", "to": "\(to)"])
            case let .failed(entry, failure):
                logger.error("model version refused; the current version keeps serving",
                             metadata: ["model": "\(entry)", "version": "\(failure.version ?? "?")", "error": "\(failure.message)"])
            }
        }
    }
}
