import AugurService
import GRPCCore

/// `server.auth` over gRPC: every RPC but ServerLive and ServerReady (the health checks) needs
/// an API key in the request metadata, `authorization: Bearer <key>` or `x-api-key: <key>`
/// (tritonclient.grpc's `headers=`). None: UNAUTHENTICATED; not a key: PERMISSION_DENIED.
struct APIKeyInterceptor: ServerInterceptor {
    let keys: APIKeys

    static let openMethods: Set<String> = ["ServerLive", "ServerReady"]

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        if Self.openMethods.contains(context.descriptor.method) { return try await next(request, context) }
        let authorization = request.metadata[stringValues: "authorization"].first(where: { _ in true })
        let apiKey = request.metadata[stringValues: "x-api-key"].first(where: { _ in true })
        switch keys.check(authorization: authorization, apiKey: apiKey) {
        case .allowed:
            return try await next(request, context)
        case .missing:
            return StreamingServerResponse(error: RPCError(code: .unauthenticated,
                message: "Authentication required: send an API key as 'authorization: Bearer <key>' or 'x-api-key: <key>' metadata."))
        case .invalid:
            return StreamingServerResponse(error: RPCError(code: .permissionDenied, message: "The API key is not valid."))
        }
    }
}
