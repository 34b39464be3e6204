import Foundation
import AugurService
import Hummingbird

/// The Swagger UI page at /docs: assets from a CDN, like FastAPI, or from a local folder
/// (`--docs-assets DIR`, e.g. the swagger-ui-bundle Python package's) for offline use.
struct DocsPage: Sendable {
    let title: String
    let assets: String?
    /// Link to the end-user forms (`server.ui`).
    let forms: Bool
    static let cdn = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
    static let files = ["swagger-ui.css", "swagger-ui-bundle.js"]

    var html: String {
        let base = assets == nil ? Self.cdn : "/docs/assets"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(Self.escape(title)) - docs</title>
        <link rel="stylesheet" href="\(base)/swagger-ui.css">
        </head>
        <body>
        \(forms ? "<p style=\"font-family: sans-serif; margin: 1rem 1.25rem 0\"><a href=\"/ui\">Forms for end users (/ui)</a></p>" : "")
        <div id="swagger-ui"></div>
        <script src="\(base)/swagger-ui-bundle.js"></script>
        <script>
        SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: true});
        </script>
        </body>
        </html>
        """
    }

    /// One of the two asset files; any other name is a 404 (no paths, so no traversal).
    func asset(_ name: String) throws -> Response {
        guard let assets, Self.files.contains(name) else { throw RequestError.notFound("/docs/assets/\(name)") }
        let url = URL(fileURLWithPath: assets).appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else { throw RequestError.notFound("/docs/assets/\(name)") }
        let type = name.hasSuffix(".css") ? "text/css" : "application/javascript"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func escape(_ s: String) -> String { UIPage.escape(s) }
}
