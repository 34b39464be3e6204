import AugurService
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Testing
@testable import AugurGRPC

/// `server.auth` over gRPC, in-process: ServerLive and ServerReady open; every other RPC
/// UNAUTHENTICATED without `authorization`/`x-api-key` metadata, PERMISSION_DENIED with a
/// wrong key, served with a right one.
@Suite struct GRPCAuthTests {
    static let key = "grpc-key-0123456789abcdef"
    static let loan = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/loan/augur.yaml").path

    func withClient(keys: [String]?, _ body: (Inference_GRPCInferenceService.Client<InProcessTransport.Client>) async throws -> Void) async throws {
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: Self.loan))
        let registry = ModelRegistry(service: service, provider: ModelProvider(configuration: service.configuration))
        let server = GRPCInferenceServer(registry: registry, host: "127.0.0.1", port: 0, apiKeys: keys.map { APIKeys($0) },
                                         logger: .init(label: "augur-test"))
        let transport = InProcessTransport()
        try await withGRPCServer(transport: transport.server, services: [InferenceService(registry: registry)],
                                 interceptors: server.interceptors) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                try await body(Inference_GRPCInferenceService.Client(wrapping: client))
            }
        }
    }

    static func code(_ call: () async throws -> Void) async -> RPCError.Code? {
        do {
            try await call()
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    static let metadataRequest = Inference_ModelMetadataRequest.with { $0.name = "loan_status" }

    @Test func healthOpenEverythingElseNeedsAKey() async throws {
        try await withClient(keys: [Self.key]) { client in
            #expect(try await client.serverLive(.init()).live)
            #expect(try await client.serverReady(.init()).ready)
            #expect(await Self.code { _ = try await client.modelMetadata(Self.metadataRequest) } == .unauthenticated)
            #expect(await Self.code { _ = try await client.serverMetadata(.init()) } == .unauthenticated)
            #expect(await Self.code { _ = try await client.modelReady(.with { $0.name = "loan_status" }) } == .unauthenticated)
            #expect(await Self.code { _ = try await client.modelInfer(.with { $0.modelName = "loan_status" }) } == .unauthenticated)
            #expect(await Self.code {
                _ = try await client.modelMetadata(Self.metadataRequest, metadata: ["authorization": "Bearer wrong-key-0123456789"])
            } == .permissionDenied)
            #expect(await Self.code { _ = try await client.modelMetadata(Self.metadataRequest, metadata: ["x-api-key": "wrong-key-0123456789"]) } == .permissionDenied)
            let good: [Metadata] = [["authorization": "Bearer \(Self.key)"], ["x-api-key": "\(Self.key)"]]
            for metadata in good {
                let answer = try await client.modelMetadata(Self.metadataRequest, metadata: metadata)
                #expect(answer.name == "loan_status" && answer.platform == "augur_route")
            }
        }
    }

    @Test func withoutAuthEveryRPCIsOpen() async throws {
        try await withClient(keys: nil) { client in
            let metadata = try await client.modelMetadata(Self.metadataRequest)
            let server = try await client.serverMetadata(.init())
            #expect(metadata.name == "loan_status" && server.name == "augur")
        }
    }
}
