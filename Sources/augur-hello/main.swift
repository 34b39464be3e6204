// The framework ceiling for bench/run.sh: a Hummingbird server whose only route, POST /hello,
// reads the request body and answers a fixed small JSON object. No validation, no model: what
// Augur's own per-request work is measured against.
//
//   augur-hello [--port N]      (binds 127.0.0.1; default port 8090)
import Hummingbird
import Logging

/// Command-line port, or 8090.
func requestedPort() -> Int {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: "--port"), index + 1 < args.count, let port = Int(args[index + 1]),
        (0...65535).contains(port)
    {
        return port
    }
    return 8090
}

let reply = ByteBuffer(string: #"{"prediction":"Approved","probability":0.8}"#)
let router = Router(context: BasicRequestContext.self)
router.post("/hello") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 1 << 20)
    _ = body.readableBytes
    return Response(
        status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: reply))
}
var logger = Logger(label: "augur-hello")
logger.logLevel = .warning
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: requestedPort()), serverName: "augur-hello"),
    logger: logger)
try await app.runService()
