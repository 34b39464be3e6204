/// Why the store or a registry refused an operation; `description` is the message users see.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A name, version, alias or reference that is not allowed (syntax, traversal).
        case invalidName
        /// No such model, version or alias.
        case notFound
        /// A version that already exists (versions are immutable).
        case conflict
        /// The file on disk does not match the digest recorded at import.
        case integrity
        /// The store's files could not be read or written.
        case io
        /// A remote registry (MLflow) answered with an error or could not be reached.
        case remote
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
