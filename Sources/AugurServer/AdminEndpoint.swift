import AugurService
import Hummingbird
import Logging

/// `POST /admin/reload` (opt-in, bearer token): checks every model for a new version now and
/// answers with what changed and each model's status.
struct AdminEndpoint: Sendable {
    static let path = ReservedPaths.adminReload.path
    let registry: ModelRegistry
    let token: String
    let logger: Logger

    func reload(_ request: Request) async throws -> Response {
        guard Self.constantTimeEqual(request.headers[.authorization] ?? "", "Bearer \(token)") else {
            throw RequestError(status: 401, issues: [Issue(type: "unauthorized", loc: ["header", "authorization"],
                                                           msg: "A valid 'Authorization: Bearer <token>' header is required.")])
        }
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

    /// Compares without an early exit, so response time does not reveal how much of a guess matched.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
