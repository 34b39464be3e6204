import AugurService
import Hummingbird
import Logging
import NIOCore

/// Turns every failure into the one JSON error shape: our `RequestError`s, Hummingbird's
/// 404 (405 when the path exists with other methods), oversized bodies (413), and anything
/// unexpected (500, logged, with no internals in the body).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods each path answers, to tell 405 from 404.
    let methods: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RequestError {
            return .error(error)
        } catch is NIOTooManyBytesError {
            return .error(.payloadTooLarge(limit: context.maxUploadSize))
        } catch let error as HTTPError {
            return render(error, request)
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
