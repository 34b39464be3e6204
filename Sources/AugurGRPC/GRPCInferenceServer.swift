import AugurService
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
    let logger: Logger

    public init(registry: ModelRegistry, host: String, port: Int, logger: Logger) {
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
    }

    public func run() async throws {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: host, port: port), transportSecurity: .plaintext)
        let server = GRPCServer(transport: transport, services: [InferenceService(registry: registry)])
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
