import AugurService
import Hummingbird

/// `GET /ui`, `GET /ui/{route}` and `GET /ui/assets/{file}` (on unless `server.ui: false`).
/// Pages are rendered per request from the registry's current service, in the language
/// `?lang=` or `Accept-Language` asks for.
struct UIEndpoints: Sendable {
    let registry: ModelRegistry

    func register(on router: Router<AugurRequestContext>) {
        let registry = registry
        router.get("/ui") { request, _ in Self.page(request, registry) { $0.index } }
        router.get("/ui/assets/:file") { _, context in try UIAssets.response(context.parameters.get("file") ?? "") }
        router.get("/ui/:route") { request, context in
            let name = context.parameters.get("route") ?? ""
            guard let route = registry.service.route(named: name) else { throw RequestError.notFound("/ui/\(name)") }
            return Self.page(request, registry) { $0.form(route) }
        }
    }

    static func page(_ request: Request, _ registry: ModelRegistry, _ render: (UIPage) -> String) -> Response {
        let query = FormQuery.pairs(request.uri.query.map { Substring($0) } ?? "")
        let language = UILanguage.choose(query: query.last(where: { $0.0 == "lang" })?.1,
                                         acceptLanguage: request.headers[.acceptLanguage])
        var response = Response.html(render(UIPage(service: registry.service, language: language, path: request.uri.path)))
        response.headers[.vary] = "Accept-Language"
        response.headers[.contentLanguage] = language.rawValue
        return response
    }
}
