import AugurService
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The HTTP/1 server `augur serve` runs: Hummingbird's `HTTP1Channel`, optionally behind TLS,
/// with a `ConnectionGuard` first in every connection and the connection cap.
enum GuardedHTTPServer {
    /// The server builder for `settings`; throws `ConfigErrors` when the TLS files are unusable.
    static func builder(_ settings: ConnectionSettings) throws -> HTTPServerBuilder {
        let timeouts = ConnectionTimeouts(settings)
        let counter = ConnectionCounter(limit: settings.maxConnections)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestBoundaries()])
        let tls = try settings.tls.map(ServerTLS.configuration)
        return HTTPServerBuilder { responder in
            let base = GuardedChannel(base: HTTP1Channel(responder: responder, configuration: http1), timeouts: timeouts, counter: counter)
            guard let tls else { return base }
            return try TLSChannel(base, tlsConfiguration: tls)
        }
    }
}

/// Open connections against `server.max_connections`; one lock per connection opened and closed.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let open = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection and returns true, or returns false when `limit` are open.
    func admit() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { open.withLock { $0 -= 1 } }
}

/// A child channel that puts a `ConnectionGuard` in front of `base`'s pipeline.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let timeouts: ConnectionTimeouts
    let counter: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = counter.admit()
        if admitted { channel.closeFuture.whenComplete { [counter] _ in counter.release() } }
        if !admitted { logger.warning("Connection refused: \(counter.limit) connections are open (server.max_connections).") }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(timeouts: timeouts, refuse: !admitted))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// `server.tls` as NIOSSL's configuration, every problem a configuration error at its line.
enum ServerTLS {
    static func configuration(_ files: TLSFiles) throws -> TLSConfiguration {
        let problems = files.unreadable()
        if !problems.isEmpty { throw ConfigErrors(problems) }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw ConfigErrors([files.error(key: false, .invalidValue, "'\(files.certificate)' is not a PEM certificate (\(error)).")])
        }
        guard !chain.isEmpty else {
            throw ConfigErrors([files.error(key: false, .invalidValue, "'\(files.certificate)' holds no PEM certificate.")])
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.key, format: .pem)
        } catch {
            throw ConfigErrors([files.error(key: true, .invalidValue, "'\(files.key)' is not a PEM private key (\(error)).")])
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigErrors([files.error(key: true, .invalidValue, "'\(files.key)' does not go with the certificate '\(files.certificate)' (\(error)).")])
        }
        return configuration
    }
}
