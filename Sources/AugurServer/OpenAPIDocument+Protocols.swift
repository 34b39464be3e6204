import AugurService

/// The standard protocols' REST endpoints in the OpenAPI document: V2, KServe v1 and MLflow,
/// each with its own error shape.
extension OpenAPIDocument {
    func protocolPaths() -> [(String, JSONValue)] {
        let groups: [(tag: String, endpoints: [ReservedPaths.Endpoint], error: String)] = [
            ("Open Inference Protocol v2", ReservedPaths.v2, "ProtocolError"),
            ("KServe v1", ReservedPaths.v1, "ProtocolError"),
            ("MLflow scoring", ReservedPaths.mlflow, "MLflowError"),
        ]
        var paths: [(String, JSONValue)] = []
        for group in groups {
            for endpoint in group.endpoints {
                var operation = JSONObject([
                    ("summary", .string(endpoint.summary)),
                    ("operationId", .string(Self.operationID(endpoint))),
                    ("tags", .array([.string(group.tag)])),
                ])
                if endpoint.path.contains("{model}") {
                    operation.append("parameters", [["name": "model", "in": "path", "required": true,
                                                     "description": "A route's name, or (V2 only) a model's under models:.",
                                                     "schema": ["type": "string"]]])
                }
                if endpoint.method == "POST" {
                    var content: JSONObject = ["application/json": ["schema": ["type": "object"]]]
                    if endpoint.path == "/invocations" { content["text/csv"] = ["schema": ["type": "string"]] }
                    if endpoint.path.hasSuffix("/infer") { content["application/octet-stream"] = ["schema": ["type": "string", "format": "binary"]] }
                    operation.append("requestBody", .object(JSONObject([("required", true), ("content", .object(content))])))
                }
                operation.append("responses", .object(JSONObject([
                    ("200", ["description": "Success.", "content": ["application/json": ["schema": ["type": "object"]]]]),
                    ("400", .object(JSONObject([("description", "Bad input; every problem in one message."),
                                                ("content", ["application/json": ["schema": Self.ref(group.error)]])]))),
                    ("404", .object(JSONObject([("description", "Unknown model or version."),
                                                ("content", ["application/json": ["schema": Self.ref(group.error)]])]))),
                ])))
                paths.append((endpoint.path, .object(JSONObject([(endpoint.method.lowercased(), .object(operation))]))))
            }
        }
        return paths
    }

    static func operationID(_ endpoint: ReservedPaths.Endpoint) -> String {
        endpoint.method.lowercased() + endpoint.path.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    static let protocolSchemas: [(String, JSONValue)] = [
        ("ProtocolError", ["type": "object", "required": ["error"], "properties": ["error": ["type": "string"]],
                           "description": "The error of the V2 and KServe v1 protocols."]),
        ("MLflowError", ["type": "object", "required": ["error_code", "message"],
                         "properties": ["error_code": ["type": "string"], "message": ["type": "string"]],
                         "description": "The error of the MLflow scoring protocol (BAD_REQUEST, INVALID_PARAMETER_VALUE, …)."]),
    ]
}
