/// A request the service refuses: an HTTP status and every issue found, rendered as
/// `{"detail": [{"type", "loc", "msg", "input"?, "ctx"?}]}` — one shape for every 4xx/5xx.
public struct RequestError: Error, Sendable, Equatable {
    /// The HTTP status code (AugurServer renders the error: `HTTPResponseError`).
    public let statusCode: Int
    public let issues: [Issue]

    public init(status: Int, issues: [Issue]) {
        self.statusCode = status
        self.issues = issues
    }

    /// `{"detail": [...]}`.
    public var body: JSONValue {
        var object = JSONObject()
        object.append("detail", .array(issues.map(\.json)))
        return .object(object)
    }

    /// 400: the body is not valid JSON (`json_invalid`), with where the problem is.
    public static func malformedJSON(_ problem: String, line: Int, column: Int, offset: Int) -> RequestError {
        let context: JSONValue = .object(JSONObject([
            ("error", .string(problem)), ("line", .integer(line)), ("column", .integer(column)), ("offset", .integer(offset)),
        ]))
        return RequestError(status: 400, issues: [Issue(
            type: .jsonInvalid, loc: ["body"],
            msg: "Invalid JSON at line \(line), column \(column) (byte \(offset)): \(problem).", context: context)])
    }

    /// 400: the body is not valid JSON, without a position (for example an empty body).
    public static func malformedJSON(_ problem: String) -> RequestError {
        RequestError(status: 400, issues: [Issue(type: .jsonInvalid, loc: ["body"], msg: "Invalid JSON: \(problem).")])
    }

    /// 404: no route at `path`.
    public static func notFound(_ path: String) -> RequestError {
        RequestError(status: 404, issues: [Issue(
            type: .notFound, loc: ["path"], msg: "No route at '\(path)'.", input: .string(path))])
    }

    /// 405: the route exists but not for `method`; `allowed` lists the methods it takes.
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> RequestError {
        RequestError(status: 405, issues: [Issue(
            type: .methodNotAllowed, loc: ["method"],
            msg: "Method '\(method)' is not allowed here; use \(allowed.joined(separator: " or ")).",
            input: .string(method), context: .object(JSONObject([("allowed", .array(allowed.map { .string($0) }))])))])
    }

    /// 413: the body is larger than `limit` bytes.
    public static func payloadTooLarge(limit: Int) -> RequestError {
        RequestError(status: 413, issues: [Issue(
            type: .payloadTooLarge, loc: ["body"], msg: "The request body is larger than the limit of \(limit) bytes.",
            context: .object(JSONObject([("limit", .integer(limit))])))])
    }

    /// 415: the content type is not JSON.
    public static func unsupportedMediaType(_ type: String) -> RequestError {
        RequestError(status: 415, issues: [Issue(
            type: .unsupportedMediaType, loc: ["header", "content-type"],
            msg: "Content type '\(type)' is not supported; send 'application/json'.", input: .string(type))])
    }

    /// 406: the `Accept` header accepts none of the formats the route answers in.
    public static func notAcceptable(_ accept: String, available: [String]) -> RequestError {
        RequestError(status: 406, issues: [Issue(
            type: .notAcceptable, loc: ["header", "accept"],
            msg: "None of the accepted types is available; this route answers in \(available.map { "'\($0)'" }.joined(separator: ", ")).",
            input: .string(accept), context: .object(JSONObject([("available", .array(available.map { .string($0) }))])))])
    }

    /// 422: the request is well-formed JSON but its values are not acceptable.
    public static func validation(_ issues: [Issue]) -> RequestError {
        RequestError(status: 422, issues: issues)
    }

    /// 503: the route's batching queue already holds its most rows; answered with `Retry-After`.
    public static func overloaded(queuedRowsLimit: Int) -> RequestError {
        RequestError(status: 503, issues: [Issue(type: .overloaded, loc: [],
            msg: "The server is busy: \(queuedRowsLimit) rows are already waiting for this route's model. Retry in a moment.")])
    }

    /// 404: the route has no explanations (no reference data, not a tree model); `msg` says why.
    public static func explanationUnavailable(_ reason: String) -> RequestError {
        RequestError(status: 404, issues: [Issue(type: .explanationUnavailable, loc: [], msg: reason)])
    }

    /// 500: the model failed on inputs that passed validation (a bug or a model limit).
    public static func inferenceFailed(_ message: String) -> RequestError {
        RequestError(status: 500, issues: [Issue(type: .inferenceFailed, loc: [], msg: message)])
    }
}
