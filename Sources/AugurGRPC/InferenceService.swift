import AugurService
import AugurV2
import Foundation
import GRPCCore

/// `inference.GRPCInferenceService` (the Open Inference Protocol over gRPC) over the
/// registry's current snapshot: the same `V2Catalog` as the REST endpoints. Inputs come as
/// `raw_input_contents` (what tritonclient.grpc sends) or typed `contents`; outputs always go
/// out as `raw_output_contents`, one per output in order (all that tritonclient.grpc reads).
struct InferenceService: Inference_GRPCInferenceService.SimpleServiceProtocol {
    let registry: ModelRegistry
    /// Rows predicted are counted here (nil: no metrics).
    var countRows: V2RowCounter? = nil

    func serverLive(request: Inference_ServerLiveRequest, context: ServerContext) async throws -> Inference_ServerLiveResponse {
        .with { $0.live = true }
    }

    func serverReady(request: Inference_ServerReadyRequest, context: ServerContext) async throws -> Inference_ServerReadyResponse {
        .with { $0.ready = true }
    }

    func modelReady(request: Inference_ModelReadyRequest, context: ServerContext) async throws -> Inference_ModelReadyResponse {
        let catalog = V2Catalog(service: registry.service)
        let found = try? catalog.model(request.name, version: request.version.isEmpty ? nil : request.version)
        return .with { $0.ready = found != nil }
    }

    func serverMetadata(request: Inference_ServerMetadataRequest, context: ServerContext) async throws -> Inference_ServerMetadataResponse {
        .with {
            $0.name = "augur"
            $0.version = AugurVersion.current
        }
    }

    func modelMetadata(request: Inference_ModelMetadataRequest, context: ServerContext) async throws -> Inference_ModelMetadataResponse {
        let catalog = V2Catalog(service: registry.service)
        let metadata = try await Self.rpc { () throws(V2Error) in
            catalog.metadata(try catalog.model(request.name, version: request.version.isEmpty ? nil : request.version))
        }
        func tensors(_ list: [V2TensorMetadata]) -> [Inference_ModelMetadataResponse.TensorMetadata] {
            list.map { t in .with { $0.name = t.name; $0.datatype = t.datatype.rawValue; $0.shape = t.shape.map(Int64.init) } }
        }
        return .with {
            $0.name = metadata.name
            $0.versions = metadata.versions
            $0.platform = metadata.platform
            $0.inputs = tensors(metadata.inputs)
            $0.outputs = tensors(metadata.outputs)
        }
    }

    func modelInfer(request: Inference_ModelInferRequest, context: ServerContext) async throws -> Inference_ModelInferResponse {
        let catalog = V2Catalog(service: registry.service)
        let response = try await Self.rpc { () async throws(V2Error) in
            let model = try catalog.model(request.modelName, version: request.modelVersion.isEmpty ? nil : request.modelVersion)
            let response = try await catalog.infer(model, try GRPCMessages.request(request))
            countRows?(model, response.rows)
            return response
        }
        return GRPCMessages.response(response)
    }

    /// Runs `body`, turning a `V2Error` into the gRPC status for it.
    static func rpc<T>(_ body: () async throws(V2Error) -> T) async throws -> T {
        do throws(V2Error) {
            return try await body()
        } catch {
            let code: RPCError.Code = switch error.kind {
            case .invalid: .invalidArgument
            case .notFound: .notFound
            case .unavailable: .unavailable
            case .internalError: .internalError
            }
            throw RPCError(code: code, message: error.message)
        }
    }
}
