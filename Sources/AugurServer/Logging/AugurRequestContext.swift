import Hummingbird
import NIOCore
import Tracing

/// A request context that carries the request's span to the handlers (`RequestTracing`).
public protocol TracedRequestContext: RequestContext {
    var span: (any Span)? { get set }
}

/// The request context of every Augur router: Hummingbird's basic context plus the peer's
/// address (for the access log), read from the connection only when asked for.
public struct AugurRequestContext: TracedRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// The request's server span when spans are exported (`server.otlp_endpoint`).
    public var span: (any Span)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The client's address (nil in the Lambda loop, which has no socket).
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
