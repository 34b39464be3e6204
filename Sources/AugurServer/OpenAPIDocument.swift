import AugurService

/// The OpenAPI 3.1 document of a service: one POST (single or batch) and one GET per route,
/// the request and response schemas the routes derive from their parameters, and the one
/// error schema every 4xx/5xx uses.
struct OpenAPIDocument {
    let service: Service

    var json: JSONValue {
        let c = service.configuration
        var paths: [(String, JSONValue)] = []
        var schemas: [(String, JSONValue)] = [("ErrorDetail", Self.errorDetail), ("ErrorResponse", Self.errorResponse)] + Self.protocolSchemas
        for route in service.routes {
            let base = Self.schemaName(route.name)
            schemas.append(("\(base)Request", route.requestSchema()))
            schemas.append(("\(base)Response", route.responseSchema()))
            schemas.append(("\(base)Prediction", route.predictionSchema()))
            schemas.append(("\(base)BatchResponse", batchResponse(base)))
            paths.append(("/\(route.name)", .object(JSONObject([("post", post(route, base)), ("get", get(route, base))]))))
            if case .available(let explainer) = route.pipeline.explanation {
                paths.append(("/\(route.name)/explain", .object(JSONObject([("post", explain(route, base, explainer)), ("get", explainGet(route))]))))
            }
        }
        schemas.append(("Explanation", Self.explanation))
        for (path, summary) in ReservedPaths.health.map({ ($0.path, $0.summary) }) {
            paths.append((path, ["get": .object(JSONObject([
                ("summary", .string(summary)), ("operationId", .string("health_\(path.dropFirst())")), ("tags", ["health"]),
                ("responses", ["200": ["description": "The service is up.", "content": ["application/json": ["schema": ["type": "object"]]]]]),
            ]))]))
        }
        paths.append((ReservedPaths.monitoring.path, ["get": .object(JSONObject([
            ("summary", .string(ReservedPaths.monitoring.summary)), ("operationId", "monitoring"), ("tags", ["monitoring"]),
            ("responses", ["200": ["description": "Each monitored route's drift report, and why the others have none.",
                                   "content": ["application/json": ["schema": Self.monitoringSchema]]]]),
        ]))]))
        paths += protocolPaths()
        return .object(JSONObject([
            ("openapi", "3.1.0"),
            ("info", .object(JSONObject([("title", .string(c.title)), ("version", .string(c.version)),
                                         ("description", .string(c.ui ? c.description + (c.description.isEmpty ? "" : "\n\n") + "Forms for end users: [/ui](/ui)." : c.description))]))),
            ("paths", .object(JSONObject(paths))),
            ("components", .object(JSONObject([("schemas", .object(JSONObject(schemas)))]))),
        ]))
    }

    /// `GET /monitoring`'s answer, its outer shape (`DriftReport.json` per route).
    static let monitoringSchema: JSONValue = [
        "type": "object", "required": ["routes", "unmonitored_routes"],
        "properties": [
            "routes": ["type": "array", "items": ["type": "object", "required": ["route", "reference", "window", "drifted", "features", "unmonitored"],
                                                  "properties": ["route": ["type": "string"], "drifted": ["type": ["boolean", "null"]],
                                                                 "features": ["type": "array", "items": ["type": "object"]]]]],
            "unmonitored_routes": ["type": "array", "items": ["type": "object", "required": ["route", "reason"]]],
        ],
    ]

    static func schemaName(_ route: String) -> String {
        route.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    private func post(_ route: Route, _ base: String) -> JSONValue {
        let request = Self.ref("\(base)Request")
        let batch: JSONValue = ["type": "array", "items": request, "maxItems": .integer(service.configuration.maxBatch)]
        let instances: JSONValue = .object(JSONObject([
            ("type", "object"), ("required", ["instances"]), ("properties", ["instances": batch]), ("additionalProperties", false),
        ]))
        let success: JSONValue = ["oneOf": [Self.ref("\(base)Response"), Self.ref("\(base)BatchResponse")]]
        return .object(JSONObject([
            ("summary", .string(route.summary.isEmpty ? "Predict with \(route.modelName)" : route.summary)),
            ("description", .string(route.description)),
            ("operationId", .string("predict_\(route.name)")),
            ("tags", ["predictions"]),
            ("requestBody", .object(JSONObject([
                ("required", true),
                ("content", ["application/json": .object(JSONObject([
                    ("schema", ["oneOf": [request, batch, instances]]),
                    ("examples", .object(JSONObject([
                        ("single", ["summary": "One prediction", "value": route.exampleRequest()]),
                        ("batch", ["summary": "A batch", "value": ["instances": [route.exampleRequest()]]]),
                    ]))),
                ]))]),
            ]))),
            ("responses", responses(success, statuses: ["400", "413", "415", "422"])),
        ]))
    }

    /// `POST /{route}/explain`: the route's request, its answer with an explanation per prediction.
    private func explain(_ route: Route, _ base: String, _ explainer: RouteExplainer) -> JSONValue {
        guard case .object(var operation) = post(route, base) else { return .null }
        let how = explainer.method == "linear" ? "Linear contributions w · (x − mean), means over" : "Exact path-dependent TreeSHAP, node covers counted on"
        let available = "\(how) \(explainer.referenceRows) reference rows (\(explainer.referenceSource)); at most \(explainer.maxRows) rows per request."
        operation["summary"] = .string("Predict and explain")
        operation["description"] = .string("The same prediction as POST /\(route.name) (also GET, and POST /\(route.name)?explain=true), with each prediction's `explanation`: how much each parameter moved the model's score from its expected value. \(available)")
        operation["operationId"] = .string("explain_\(route.name)")
        let withExplanation: JSONValue = .object(JSONObject([
            ("type", "object"),
            ("description", .string("The route's answer (one prediction, or `predictions` for a batch) with `explanation` in each prediction.")),
            ("properties", .object(JSONObject([
                ("explanation", Self.ref("Explanation")),
                ("predictions", ["type": "array", "items": ["type": "object", "properties": ["explanation": Self.ref("Explanation")]]]),
                ("model", Self.model),
            ]))),
        ]))
        operation["responses"] = responses(withExplanation, statuses: ["400", "404", "413", "415", "422"])
        return .object(operation)
    }

    /// `GET /{route}/explain`: the query form of the explanation.
    private func explainGet(_ route: Route) -> JSONValue {
        guard case .object(var operation) = get(route, Self.schemaName(route.name)) else { return .null }
        operation["summary"] = .string("Predict and explain from query parameters")
        operation["description"] = .string("The same as POST /\(route.name)/explain, with each parameter in the query string.")
        operation["operationId"] = .string("explain_\(route.name)_get")
        if case .object(var responses)? = operation["responses"], case .object(var ok)? = responses["200"] {
            ok["content"] = ["application/json": ["schema": ["type": "object", "properties": ["explanation": Self.ref("Explanation"), "model": Self.model]]]]
            responses["200"] = .object(ok)
            responses["404"] = .object(JSONObject([("description", "This route cannot explain its predictions now (a model was swapped in without reference data); the message says why."),
                                                   ("content", ["application/json": ["schema": Self.ref("ErrorResponse")]])]))
            operation["responses"] = .object(responses)
        }
        return .object(operation)
    }

    static let contributions: JSONValue = ["type": "array", "description": "Largest magnitude first.", "items": .object(JSONObject([
        ("type", "object"), ("required", ["parameter", "value", "contribution"]),
        ("properties", .object(JSONObject([
            ("parameter", ["type": "string", "description": "A parameter, or a computed feature's expression, or several parameters joined by ', '."]),
            ("value", ["description": "Its value in the request (null when not a single value)."]),
            ("contribution", ["type": "number"]),
        ]))),
    ]))]

    static let explanation: JSONValue = .object(JSONObject([
        ("type", "object"),
        ("required", ["method", "output_space", "transform"]),
        ("properties", .object(JSONObject([
            ("method", ["type": "string", "enum": ["tree_path_dependent", "linear"]]),
            ("output_space", ["type": "string", "enum": ["margin", "probability"],
                              "description": "margin: the score before `transform`; probability: the trees add up probabilities."]),
            ("transform", ["type": "string", "enum": ["none", "logistic", "softmax", "softmax_zero", "probit"]]),
            ("base_value", ["type": "number", "description": "The expected score over the reference rows."]),
            ("output_value", ["type": "number", "description": "base_value + Σ contributions: this row's score."]),
            ("contributions", Self.contributions),
            ("classes", ["type": "array", "description": "Per class, for models with a score per class.", "items": ["type": "object"]]),
            ("targets", ["type": "array", "description": "Per target, for regressors with several targets.", "items": ["type": "object"]]),
        ]))),
    ]))

    private func get(_ route: Route, _ base: String) -> JSONValue {
        let properties = route.requestSchema()["properties"]
        let parameters: [JSONValue] = route.parameters.map { parameter in
            .object(JSONObject([
                ("name", .string(parameter.name)), ("in", "query"), ("required", .bool(parameter.required)),
                ("description", .string(parameter.description)),
                ("schema", properties?[parameter.name] ?? ["type": "string"]),
            ]))
        }
        return .object(JSONObject([
            ("summary", .string("Predict from query parameters")),
            ("description", .string("The same prediction as POST, with each parameter in the query string.")),
            ("operationId", .string("predict_\(route.name)_get")),
            ("tags", ["predictions"]),
            ("parameters", .array(parameters)),
            ("responses", responses(Self.ref("\(base)Response"), statuses: ["422"])),
        ]))
    }

    /// 200, 400 and 422 come from the route's model and name the version that answered.
    private func responses(_ success: JSONValue, statuses: [String]) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("200", .object(JSONObject([
            ("description", "The prediction."), ("headers", Self.versionHeaders), ("content", ["application/json": ["schema": success]]),
        ])))]
        let texts = ["400": "The body is not valid JSON.", "413": "The body is too large.", "415": "The body is not JSON.",
                     "422": "Some values are not acceptable; every problem is listed.",
                     "404": "This route cannot explain its predictions now (a model was swapped in without reference data); the message says why."]
        for status in statuses {
            var response = JSONObject([("description", .string(texts[status] ?? "Error."))])
            if status == "400" || status == "422" { response.append("headers", Self.versionHeaders) }
            response.append("content", ["application/json": ["schema": Self.ref("ErrorResponse")]])
            pairs.append((status, .object(response)))
        }
        return .object(JSONObject(pairs))
    }

    static let versionHeaders: JSONValue = .object(JSONObject([
        ("X-Model-Name", ["description": "The model that answered.", "schema": ["type": "string"]]),
        ("X-Model-Version", ["description": "Its version (store or MLflow version, or the file's digest prefix); changes when a new version is swapped in.", "schema": ["type": "string"]]),
    ]))

    private func batchResponse(_ base: String) -> JSONValue {
        .object(JSONObject([
            ("type", "object"),
            ("required", ["predictions", "model"]),
            ("properties", .object(JSONObject([
                ("predictions", ["type": "array", "items": Self.ref("\(base)Prediction")]),
                ("model", Self.model),
            ]))),
        ]))
    }

    static let model: JSONValue = .object(JSONObject([
        ("type", "object"),
        ("properties", ["name": ["type": "string"], "version": ["type": "string"]]),
        ("required", ["name", "version"]),
    ]))

    static let errorDetail: JSONValue = .object(JSONObject([
        ("type", "object"),
        ("required", ["type", "loc", "msg"]),
        ("properties", .object(JSONObject([
            ("type", ["type": "string", "description": "Stable error code, such as missing, float_type or rule_failed."]),
            ("loc", ["type": "array", "items": ["oneOf": [["type": "string"], ["type": "integer"]]],
                     "description": "Where the problem is: body, row index, field name."]),
            ("msg", ["type": "string", "description": "One sentence for people."]),
            ("input", ["description": "The offending value, when there is one."]),
            ("ctx", ["type": "object", "description": "Details such as the limit that was exceeded."]),
        ]))),
    ]))

    static let errorResponse: JSONValue = .object(JSONObject([
        ("type", "object"),
        ("required", ["detail"]),
        ("properties", ["detail": ["type": "array", "items": ref("ErrorDetail")]]),
    ]))
}
