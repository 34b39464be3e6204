import AugurStore
import Dispatch
import Synchronization

/// The live models of a running service.
///
/// Holds the current `Service` behind one reference. A request reads it once (`service`) and
/// finishes on that snapshot. `check` looks for a new version behind every entry that can
/// change (latest, an alias, a file), loads and verifies it off the request path, builds a
/// complete new `Service`, and only then swaps the reference. A version that fails to load or no
/// longer fits its routes leaves the old one serving; the failure is kept for `/readyz`.
public final class ModelRegistry: Sendable {
    public let configuration: ServiceConfiguration
    public let provider: ModelProvider
    private let state: Mutex<State>
    private let checks = AsyncLock()

    private struct State {
        var service: Service
        var statuses: [String: ModelStatus]
    }

    public init(service: Service, provider: ModelProvider) {
        configuration = service.configuration
        self.provider = provider
        let now = StoreFiles.timestamp()
        var statuses: [String: ModelStatus] = [:]
        for entry in service.configuration.models {
            guard let model = service.models[entry.name] else { continue }
            statuses[entry.name] = ModelStatus(entry: entry.name, source: entry.source.description, watched: entry.source.canChange,
                                               name: model.name, version: model.version, sha256: model.sha256, loadedAt: now)
        }
        state = Mutex(State(service: service, statuses: statuses))
    }

    /// The service every new request uses.
    public var service: Service { state.withLock { $0.service } }

    /// One status per model entry, in configuration order.
    public var statuses: [ModelStatus] {
        let statuses = state.withLock { $0.statuses }
        return configuration.models.compactMap { statuses[$0.name] }
    }

    /// Looks for new versions now and swaps in each one that loads and fits. Checks never
    /// overlap; a trigger arriving during a check waits for it, then checks again.
    @discardableResult
    public func check() async -> [ReloadEvent] {
        await checks.withLock { await checkEntries() }
    }

    private func checkEntries() async -> [ReloadEvent] {
        var events: [ReloadEvent] = []
        for entry in configuration.models where entry.source.canChange {
            let now = StoreFiles.timestamp()
            guard let current = service.models[entry.name] else { continue }
            let pointer: ModelPointer
            do {
                pointer = try await provider.locate(entry)
            } catch {
                let failure = ReloadFailure(version: nil, message: "cannot check for a new version: \(error)", at: now)
                if update(entry.name, { $0.lastCheck = now; return $0.lastError != failure }, failure: failure) {
                    events.append(.failed(entry: entry.name, failure))
                }
                continue
            }
            if pointer.key == current.pointer.key {
                // Back on (or still on) the serving version: an earlier refusal no longer applies.
                update(entry.name) { $0.lastCheck = now; $0.lastError = nil; return false }
                continue
            }
            if pointer.key == failedKey(entry.name) {
                update(entry.name) { $0.lastCheck = now; return false }
                continue
            }
            do {
                let loaded = try await provider.load(entry, at: pointer)
                try await swap(entry: entry.name, to: loaded)
                // The same bytes under a new file identity (touched, copied back) are not news.
                if loaded.sha256 != current.sha256 || loaded.version != current.version {
                    events.append(.swapped(entry: entry.name, from: current.version, to: loaded.version))
                }
            } catch {
                let version = pointer.version
                let failure = ReloadFailure(version: version, message: "\(error)", at: now, key: pointer.key)
                update(entry.name, { $0.lastCheck = now; return true }, failure: failure)
                events.append(.failed(entry: entry.name, failure))
            }
        }
        return events
    }

    /// Builds the new service (its routes) on `LoadQueue`, then swaps it in.
    private func swap(entry: String, to loaded: LoadedModel) async throws {
        var models = service.models
        models[entry] = loaded
        let configuration = configuration, frozen = models, previous = service
        let next = try await LoadQueue.run { try Service(configuration: configuration, models: frozen, previous: previous) }
        let now = StoreFiles.timestamp()
        state.withLock { state in
            state.service = next
            state.statuses[entry]?.replace(with: loaded, at: now)
        }
    }

    private func failedKey(_ entry: String) -> String? {
        state.withLock { $0.statuses[entry]?.lastError?.key }
    }

    /// Applies `change` to an entry's status; returns what `change` returned.
    @discardableResult
    private func update(_ entry: String, _ change: (inout ModelStatus) -> Bool, failure: ReloadFailure? = nil) -> Bool {
        state.withLock { state in
            guard var status = state.statuses[entry] else { return false }
            let result = change(&status)
            if let failure {
                if status.lastError != failure { status.refusals += 1 }
                status.lastError = failure
            }
            state.statuses[entry] = status
            return result
        }
    }
}

/// What one check changed.
public enum ReloadEvent: Sendable, Equatable {
    case swapped(entry: String, from: String, to: String)
    case failed(entry: String, ReloadFailure)
}

/// A version that could not be checked, loaded or fitted to the routes.
public struct ReloadFailure: Sendable, Equatable {
    /// The version that was refused, when known.
    public let version: String?
    public let message: String
    public let at: String
    /// The pointer that failed: not retried until the source moves again.
    let key: String?

    init(version: String?, message: String, at: String, key: String? = nil) {
        self.version = version
        self.message = message
        self.at = at
        self.key = key
    }

    public static func == (a: ReloadFailure, b: ReloadFailure) -> Bool {
        a.version == b.version && a.message == b.message && a.key == b.key
    }
}

/// One model entry as `/readyz` reports it.
public struct ModelStatus: Sendable {
    public let entry: String
    public let source: String
    /// True when the source can move (latest, alias, file) and is checked for new versions.
    public let watched: Bool
    public private(set) var name: String
    public private(set) var version: String
    public private(set) var sha256: String
    public private(set) var loadedAt: String
    public internal(set) var lastCheck: String?
    /// The last refused version, cleared when a new one is swapped in.
    public internal(set) var lastError: ReloadFailure?
    public private(set) var reloads = 0
    /// Versions refused since start (a version refused again is not counted twice in a row).
    public internal(set) var refusals = 0

    init(entry: String, source: String, watched: Bool, name: String, version: String, sha256: String, loadedAt: String) {
        self.entry = entry
        self.source = source
        self.watched = watched
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.loadedAt = loadedAt
    }

    mutating func replace(with model: LoadedModel, at time: String) {
        if model.version != version || model.sha256 != sha256 {
            reloads += 1
            loadedAt = time
        }
        name = model.name
        version = model.version
        sha256 = model.sha256
        lastCheck = time
        lastError = nil
    }
}
