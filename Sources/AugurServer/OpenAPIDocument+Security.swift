import AugurService

/// With `server.auth`: the two ways to send a key as security schemes, and on every operation
/// `AuthPolicy` guards, `security` (either scheme) and its 401 and 403 in the error shape of
/// the operation's protocol. Without it the document is unchanged.
extension OpenAPIDocument {
    static let securitySchemes: JSONValue = .object(JSONObject([
        ("bearerAuth", ["type": "http", "scheme": "bearer", "description": "An API key as 'Authorization: Bearer <key>'."]),
        ("apiKeyHeader", ["type": "apiKey", "in": "header", "name": "X-API-Key", "description": "An API key as 'X-API-Key: <key>'."]),
    ]))

    /// `document` (this type's `json`) with the security of `server.auth`, if it is on.
    func secured(_ document: JSONValue) -> JSONValue {
        guard service.configuration.apiKeys != nil, case .object(var root) = document,
              case .object(var paths)? = root["paths"], case .object(var components)? = root["components"] else { return document }
        for path in paths.keys where !AuthPolicy.isOpen(path) {
            guard case .object(var item)? = paths[path] else { continue }
            for method in item.keys {
                guard case .object(var operation)? = item[method] else { continue }
                operation["security"] = [["bearerAuth": []], ["apiKeyHeader": []]]
                if case .object(var responses)? = operation["responses"] {
                    let schema = Self.errorSchema(AuthPolicy.shape(of: path))
                    responses["401"] = .object(JSONObject([
                        ("description", "No API key was sent."),
                        ("headers", ["WWW-Authenticate": ["description": "Bearer", "schema": ["type": "string"]]]),
                        ("content", ["application/json": ["schema": schema]]),
                    ]))
                    responses["403"] = ["description": "The API key is not valid.", "content": ["application/json": ["schema": schema]]]
                    operation["responses"] = .object(responses)
                }
                item[method] = .object(operation)
            }
            paths[path] = .object(item)
        }
        components["securitySchemes"] = Self.securitySchemes
        root["paths"] = .object(paths)
        root["components"] = .object(components)
        return .object(root)
    }

    private static func errorSchema(_ shape: AuthPolicy.Shape) -> JSONValue {
        switch shape {
        case .own: ref("ErrorResponse")
        case .v1, .v2: ref("ProtocolError")
        case .mlflow: ref("MLflowError")
        }
    }
}
