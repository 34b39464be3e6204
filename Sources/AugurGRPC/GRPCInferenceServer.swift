import AugurService
import AugurV2
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// The gRPC server of the Open Inference Protocol, as a swift-service-lifecycle `Service`:
/// `augur serve --grpc-port P` runs it beside the HTTP server, and graceful shutdown stops it.
public struct GRPCInferenceServer: ServiceLifecycle.Service {
    public let registry: ModelRegistry
    public let host: String
    public let port: Int
    /// `server.auth`: every RPC but the health checks needs one of these keys.
    public let apiKeys: APIKeys?
    /// `server.tls`: the same certificate and key as the HTTP port; nil: plaintext.
    public let tls: TLSFiles?
    let logger: Logger
    let countRows: V2RowCounter?

    public init(registry: ModelRegistry, host: String, port: Int, apiKeys: APIKeys? = nil, tls: TLSFiles? = nil, logger: Logger,
                countRows: V2RowCounter? = nil) {
        self.countRows = countRows
        self.registry = registry
        self.host = host
        self.port = port
        self.apiKeys = apiKeys
        self.tls = tls
        self.logger = logger
    }

    /// The RPCs' guards: API keys when `server.auth` is on.
    var interceptors: [any ServerInterceptor] { apiKeys.map { [APIKeyInterceptor(keys: $0)] } ?? [] }

    var security: HTTP2ServerTransport.Posix.TransportSecurity {
        guard let tls else { return .plaintext }
        return .tls(certificateChain: [.file(path: tls.certificate, format: .pem)], privateKey: .file(path: tls.key, format: .pem))
    }

    public func run() async throws {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: host, port: port), transportSecurity: security)
        let server = GRPCServer(transport: transport, services: [InferenceService(registry: registry, countRows: countRows)], interceptors: interceptors)
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
