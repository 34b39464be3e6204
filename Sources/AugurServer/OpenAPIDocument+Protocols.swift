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
                    var content: JSONObject = ["application/json": ["schema": Self.requestSchema(endpoint.path)]]
                    if endpoint.path == "/invocations" { content["text/csv"] = ["schema": ["type": "string"]] }
                    if endpoint.path.hasSuffix("/infer") { content["application/octet-stream"] = ["schema": ["type": "string", "format": "binary"]] }
                    operation.append("requestBody", .object(JSONObject([("required", true), ("content", .object(content))])))
                }
                let plain = ["/ping", "/health", "/version"].contains(endpoint.path)
                var responses = JSONObject([
                    ("200", plain ? ["description": "Success (plain text, as MLflow answers).", "content": ["text/plain": ["schema": ["type": "string"]]]]
                                  : ["description": "Success.", "content": ["application/json": ["schema": ["type": "object"]]]]),
                ])
                if !plain {
                    responses.append("400", .object(JSONObject([("description", "Bad input; every problem in one message."),
                                                                ("content", ["application/json": ["schema": Self.ref(group.error)]])])))
                    responses.append("404", .object(JSONObject([("description", "Unknown model or version."),
                                                                ("content", ["application/json": ["schema": Self.ref(group.error)]])])))
                }
                if endpoint.method == "POST" && endpoint.path != "/invocations" {  // MLflow: 400 BAD_REQUEST
                    responses.append("413", .object(JSONObject([("description", "The body is larger than server.max_body_bytes."),
                                                                ("content", ["application/json": ["schema": Self.ref(group.error)]])])))
                }
                if endpoint.path == "/invocations" {
                    responses.append("415", ["description": "Neither application/json nor text/csv (a plain-text message, as MLflow sends it).",
                                             "content": ["text/plain": ["schema": ["type": "string"]]]])
                }
                if endpoint.path.hasSuffix("/infer") || endpoint.path.hasSuffix("/ready") || endpoint.path == "/v1/models/{model}" {
                    responses.append("503", .object(JSONObject([("description", "The model is not ready."),
                                                                ("content", ["application/json": ["schema": Self.ref(group.error)]])])))
                }
                operation.append("responses", .object(responses))
                paths.append((endpoint.path, .object(JSONObject([(endpoint.method.lowercased(), .object(operation))]))))
            }
        }
        return paths
    }

    /// The JSON body each protocol's POST takes, as far as a schema can say without knowing the
    /// model (its inputs' names, types and shapes are checked against the model's signature).
    static func requestSchema(_ path: String) -> JSONValue {
        let anything: JSONValue = [:]
        if path.hasSuffix("/infer") {
            let tensor: JSONValue = .object(JSONObject([
                ("type", "object"), ("required", ["name", "shape", "datatype", "data"]),
                ("properties", .object(JSONObject([
                    ("name", ["type": "string"]),
                    ("shape", ["type": "array", "items": ["type": "integer", "minimum": 0]]),
                    ("datatype", ["type": "string", "enum": ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
                                                             "FP32", "FP64", "BYTES"]]),
                    ("parameters", ["type": ["object", "null"]]),
                    ("data", anything),
                ]))),
            ]))
            return .object(JSONObject([
                ("type", "object"), ("required", ["inputs"]),
                ("properties", .object(JSONObject([
                    ("id", ["type": ["string", "null"]]), ("parameters", ["type": ["object", "null"]]),
                    ("inputs", ["type": "array", "items": tensor, "minItems": 1]),
                    ("outputs", ["type": "array", "items": ["type": "object", "required": ["name"],
                                                            "properties": ["name": ["type": "string"], "parameters": ["type": ["object", "null"]]]]]),
                ]))),
            ]))
        }
        if path == "/invocations" {
            let formats = ["dataframe_split": ["type": "object"], "dataframe_records": ["type": "array"],
                           "instances": ["type": ["array", "object"]], "inputs": anything] as [String: JSONValue]
            return ["oneOf": .array(MLflowEndpoints.formats.map { name in
                .object(JSONObject([
                    ("type", "object"), ("required", [.string(name)]),
                    ("properties", .object(JSONObject([(name, formats[name] ?? anything), ("params", ["type": "object"])]))),
                ]))  // other keys are ignored, as MLflow ignores them
            })]
        }
        // KServe v1 :predict
        return ["oneOf": [
            ["type": "object", "required": ["instances"], "properties": ["instances": ["type": "array"]]],
            ["type": "object", "required": ["inputs"], "properties": ["inputs": ["type": "array"]]],
        ]]
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
