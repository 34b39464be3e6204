import AugurService
import Hummingbird
import Logging
import NIOCore

/// Turns every failure into an answer in the right shape. Errors that render themselves
/// (`HTTPResponseError`: our `RequestError`) do; Hummingbird's own are mapped into the one
/// JSON error shape, or the protocol's on a protocol's path: 404 (405 when the path exists
/// with other methods) and oversized bodies (413); anything unexpected is a 500, logged, with
/// no internals in the body.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods each path answers, to tell 405 from 404.
    let methods: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is NIOTooManyBytesError {
            return .error(.payloadTooLarge(limit: context.maxUploadSize))
        } catch let error as HTTPError {
            return render(error, request)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return .error(RequestError(status: 500, issues: [
                Issue(type: .internalError, loc: [], msg: "The server could not complete the request."),
            ]))
        }
    }

    private func render(_ error: HTTPError, _ request: Request) -> Response {
        let path = request.uri.path
        if error.status == .notFound, let (allowed, shape) = methods.lookup(path) {
            let names = allowed.map(\.rawValue)
            let headers: HTTPFields = [.allow: names.joined(separator: ", ")]
            let message = "Method \(request.method.rawValue) is not allowed at '\(path)'; it answers \(names.joined(separator: ", "))."
            switch shape {
            case .own: return .error(.methodNotAllowed(request.method.rawValue, allowed: names), headers: headers)
            case .protocolError: return V2Endpoints.error(405, message).with(headers)
            case .mlflow: return MLflowEndpoints.error(405, "BAD_REQUEST", message).with(headers)
            }
        }
        if error.status == .notFound {
            switch AllowedMethods.notFoundShape(path) {
            case .protocolError: return V2Endpoints.error(404, "No endpoint at '\(path)'.")
            case .own, .mlflow: return .error(.notFound(path))
            }
        }
        if error.status == .contentTooLarge { return .error(.payloadTooLarge(limit: 0)) }
        return .error(RequestError(status: error.status.code, issues: [
            Issue(type: .httpError, loc: [], msg: error.body ?? error.status.reasonPhrase),
        ]))
    }
}
