/// How `augur serve` listens and what it serves besides the routes.
public struct ServerSettings: Sendable {
    /// Address to bind; 127.0.0.1 unless told otherwise (0.0.0.0 inside a container).
    public var host: String
    public var port: Int
    /// Folder with swagger-ui.css and swagger-ui-bundle.js for offline /docs; nil uses a CDN.
    public var docsAssets: String?
    /// Bearer token for `POST /admin/reload`; nil (the default) leaves the endpoint out.
    public var adminToken: String?
    /// The formats prediction routes answer in, the first the default; with more than one,
    /// the request's `Accept` header chooses (`EncoderChoice`).
    public var encoders: [any PredictionEncoder]

    public init(host: String, port: Int, docsAssets: String? = nil, adminToken: String? = nil,
                encoders: [any PredictionEncoder] = [OwnJSONEncoder()]) {
        self.host = host
        self.port = port
        self.docsAssets = docsAssets
        self.adminToken = adminToken
        self.encoders = encoders
    }
}
