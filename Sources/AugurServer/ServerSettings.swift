/// How `augur serve` listens and what it serves besides the routes.
public struct ServerSettings: Sendable {
    /// Address to bind; 127.0.0.1 unless told otherwise (0.0.0.0 inside a container).
    public var host: String
    public var port: Int
    /// Folder with swagger-ui.css and swagger-ui-bundle.js for offline /docs; nil uses a CDN.
    public var docsAssets: String?

    public init(host: String, port: Int, docsAssets: String? = nil) {
        self.host = host
        self.port = port
        self.docsAssets = docsAssets
    }
}
