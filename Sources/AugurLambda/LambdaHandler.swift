import AugurServer
import Foundation
import AugurService
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded

/// Lambda events answered by the HTTP server's own router: every route, protocol, error shape,
/// auth and CORS rule answers as it does over HTTP. An event becomes a Hummingbird `Request`,
/// the router's responder answers it in process, and the answer goes back in the event's
/// format (`LambdaEvent`).
public struct LambdaHandler: Sendable {
    let responder: RouterResponder<AugurRequestContext>
    /// Where a direct invocation (a plain JSON body) goes: `server.invocations_route`, which
    /// is the only route when there is one.
    let directRoute: String?
    let logger: Logger

    public init(server: AugurServer, logger: Logger) {
        responder = server.makeRouter(logger: logger).buildResponder()
        directRoute = server.registry.service.configuration.invocationsRoute.map { "/\($0)" }
        self.logger = logger
    }

    /// The answer to one event, in the event's format. `requestID` (the invocation's
    /// `Lambda-Runtime-Aws-Request-Id`) is the request id in logs.
    public func handle(_ event: [UInt8], requestID: String = UUID().uuidString) async throws(LambdaEventError) -> [UInt8] {
        let request = try LambdaEvent.request(event, directRoute: directRoute)
        var fields = HTTPFields()
        var authority = "lambda"
        for (name, value) in request.headers {
            if name == "host" { authority = value; continue }
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        guard let method = HTTPRequest.Method(request.method) else { throw LambdaEventError("'\(request.method)' is not an HTTP method.") }
        let head = HTTPRequest(method: method, scheme: "https", authority: authority, path: request.target, headerFields: fields)
        var logger = self.logger
        logger[metadataKey: "hb.request.id"] = .string(requestID)
        let context = AugurRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: logger))
        let answer: LambdaHTTPResponse
        do {
            let response = try await responder.respond(to: Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: request.body))),
                                                       context: context)
            let body = BodyCollector()
            try await response.body.write(body)
            answer = LambdaHTTPResponse(status: Int(response.status.code), reason: response.status.reasonPhrase,
                                        headers: response.headers.map { ($0.name.canonicalName, $0.value) }, body: body.bytes)
        } catch {
            // The router's error middleware answers every failure; this is the last resort.
            logger.error("lambda: unanswered error", metadata: ["error": "\(error)"])
            let error = RequestError(status: 500, issues: [Issue(type: .internalError, loc: [], msg: "The server could not complete the request.")])
            answer = LambdaHTTPResponse(status: 500, reason: "Internal Server Error", headers: [("content-type", "application/json")],
                                        body: error.body.serialized())
        }
        return LambdaEvent.response(answer, for: request.kind)
    }
}

/// A response body, collected.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    private(set) var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws { bytes.append(contentsOf: buffer.readableBytesView) }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
