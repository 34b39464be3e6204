/// A V2 request that fails: a status (400 bad input, 404 unknown model or version, 503 not
/// ready, 500 the model failed) and one message listing every problem, as the protocol's
/// `{"error": "..."}` (REST) or a gRPC status (NOT_FOUND, INVALID_ARGUMENT, …) carries it.
public struct V2Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalid, notFound, unavailable, internalError
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalid(_ message: String) -> V2Error { V2Error(.invalid, message) }

    public var status: Int {
        switch kind {
        case .invalid: 400
        case .notFound: 404
        case .unavailable: 503
        case .internalError: 500
        }
    }

    public var description: String { message }
}
