import Crypto
import Foundation

/// The API keys a server accepts (`server.auth`), held as SHA-256 digests and compared in
/// constant time (swift-crypto's digest equality), every key every time, so neither the
/// response time nor a log line reveals anything about a key.
///
/// Its description counts the keys and never shows one.
public struct APIKeys: Sendable, CustomStringConvertible {
    private let digests: [SHA256.Digest]

    /// `keys` must not be empty; `AuthParser` refuses an empty set before this is built.
    public init(_ keys: some Sequence<String>) {
        digests = keys.map { SHA256.hash(data: Array($0.utf8)) }
    }

    public var count: Int { digests.count }

    public var description: String { "\(count) API key\(count == 1 ? "" : "s")" }

    /// Whether `candidate` is one of the keys.
    public func contains(_ candidate: String) -> Bool {
        let digest = SHA256.hash(data: Array(candidate.utf8))
        var matches = 0
        for known in digests { matches |= known == digest ? 1 : 0 }
        return matches != 0
    }

    /// What a request's credentials amount to.
    public enum Outcome: Sendable, Equatable {
        case allowed
        /// No `Authorization: Bearer` or `X-API-Key` credential: 401 (gRPC UNAUTHENTICATED).
        case missing
        /// A credential that is not one of the keys: 403 (gRPC PERMISSION_DENIED).
        case invalid
    }

    /// Checks the values of a request's `Authorization` and `X-API-Key` headers (or gRPC
    /// metadata): allowed when either carries a key. `Authorization` counts only with the
    /// `Bearer` scheme (any case); an empty value counts as absent.
    public func check(authorization: String?, apiKey: String?) -> Outcome {
        let presented = [authorization.flatMap(Self.bearer), apiKey.flatMap(Self.nonEmpty)].compactMap { $0 }
        guard !presented.isEmpty else { return .missing }
        var allowed = false
        for credential in presented where contains(credential) { allowed = true }
        return allowed ? .allowed : .invalid
    }

    /// The token of `Bearer <token>`, or nil.
    static func bearer(_ header: String) -> String? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.count > 7, text.prefix(7).lowercased() == "bearer " else { return nil }
        return nonEmpty(String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces))
    }

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}
