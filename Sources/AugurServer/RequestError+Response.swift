import AugurService
import Hummingbird

/// Our errors render themselves in the one shape, `{"detail": [...]}` with their status, as
/// any Hummingbird `HTTPResponseError` does; `ErrorMiddleware` only maps Hummingbird's own
/// errors (404/405/413) into each protocol's shape and hides unexpected ones.
extension RequestError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response { .error(self) }
}
