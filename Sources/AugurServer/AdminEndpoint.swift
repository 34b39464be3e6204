import AugurService
import Hummingbird
import Logging

/// `POST /admin/reload` (opt-in; `AuthMiddleware` requires the admin token): checks every
/// model for a new version now and answers with what changed and each model's status.
struct AdminEndpoint: Sendable {
    static let path = ReservedPaths.adminReload.path
    let registry: ModelRegistry
    let logger: Logger

    func reload(_ request: Request) async throws -> Response {
        logger.info("admin: checking models for new versions")
        let events = await registry.check()
        ReloadService.report(events, logger: logger)
        return .json(.object(JSONObject([
            ("changes", .array(events.map(Self.json))),
            ("models", .array(registry.statuses.map(Self.json))),
        ])))
    }

    static func json(_ event: ReloadEvent) -> JSONValue {
        switch event {
        case let .swapped(entry, from, to):
            return .object(JSONObject([("model", .string(entry)), ("from", .string(from)), ("to", .string(to))]))
        case let .failed(entry, failure):
            return .object(JSONObject([("model", .string(entry)), ("error", json(failure))]))
        }
    }

    static func json(_ failure: ReloadFailure) -> JSONValue {
        .object(JSONObject([("version", failure.version.map { .string($0) } ?? .null), ("message", .string(failure.message)), ("at", .string(failure.at))]))
    }

    static func json(_ status: ModelStatus) -> JSONValue {
        var object = JSONObject([
            ("model", .string(status.entry)), ("source", .string(status.source)), ("name", .string(status.name)),
            ("version", .string(status.version)), ("sha256", .string(status.sha256)), ("loaded_at", .string(status.loadedAt)),
            ("watched", .bool(status.watched)), ("reloads", .integer(status.reloads)),
        ])
        if let check = status.lastCheck { object.append("last_check", .string(check)) }
        if let failure = status.lastError { object.append("error", json(failure)) }
        return .object(object)
    }
}
