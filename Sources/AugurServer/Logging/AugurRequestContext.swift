import Hummingbird
import NIOCore

/// The request context of every Augur router: Hummingbird's basic context plus the peer's
/// address (for the access log), read from the connection only when asked for.
public struct AugurRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The client's address (nil in the Lambda loop, which has no socket).
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
