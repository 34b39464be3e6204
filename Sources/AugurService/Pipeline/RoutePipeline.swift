import AugurEngine

/// The transport-free prediction path of one route: schema → features → plan → outputs.
struct RoutePipeline: Sendable {
    let schema: RouteSchema
    let features: FeatureBuilder
    let plan: Plan
    let output: OutputMapper
    let maxBatch: Int
    /// `{"name": …, "version": …}`.
    let model: JSONValue
    /// `model` as JSON text.
    let modelJSON: [UInt8]

    init(schema: RouteSchema, features: FeatureBuilder, plan: Plan, output: OutputMapper, maxBatch: Int, model: JSONValue) {
        self.schema = schema
        self.features = features
        self.plan = plan
        self.output = output
        self.maxBatch = maxBatch
        self.model = model
        modelJSON = model.serialized()
    }

    /// Rows above this run through `Plan.run(rows:)` in chunks.
    static let chunkRows = 4096

    func predict(body: JSONValue) throws(RequestError) -> JSONValue {
        switch body {
        case .array(let rows): return try batch(rows)
        case .object(let object):
            if schema.position(of: "instances") == nil, case .array(let rows)? = object["instances"] {
                return try batch(rows)
            }
            return try single(body)
        default:
            throw RequestError.validation([Issue(type: "model_attributes_type", loc: ["body"],
                                                 msg: "Input should be a valid dictionary or object to extract fields from", input: body)])
        }
    }

    func predict(query: [(String, String)]) throws(RequestError) -> JSONValue {
        var storage = [ParameterValue](repeating: .missing, count: schema.parameters.count)
        var issues: [Issue] = []
        schema.decode(query: query, into: &storage, issues: &issues)
        guard issues.isEmpty else { throw .validation(issues) }
        return try respond(storage, rows: 1, batch: false)
    }

    private func single(_ row: JSONValue) throws(RequestError) -> JSONValue {
        var storage = [ParameterValue](repeating: .missing, count: schema.parameters.count)
        var issues: [Issue] = []
        schema.decode(row, at: ["body"], into: &storage, base: 0, issues: &issues)
        guard issues.isEmpty else { throw .validation(issues) }
        return try respond(storage, rows: 1, batch: false)
    }

    private func batch(_ rows: [JSONValue]) throws(RequestError) -> JSONValue {
        guard rows.count <= maxBatch else {
            throw RequestError.validation([Issue(
                type: "too_long", loc: ["body"],
                msg: "List should have at most \(maxBatch) item\(maxBatch == 1 ? "" : "s") after validation, not \(rows.count)",
                context: .object(JSONObject([("field_type", "List"), ("max_length", .integer(maxBatch)),
                                             ("actual_length", .integer(rows.count))])))])
        }
        let count = schema.parameters.count
        var storage = [ParameterValue](repeating: .missing, count: rows.count * count)
        var issues: [Issue] = []
        for (i, row) in rows.enumerated() {
            schema.decode(row, at: ["body", .index(i)], into: &storage, base: i * count, issues: &issues)
        }
        guard issues.isEmpty else { throw .validation(issues) }
        return try respond(storage, rows: rows.count, batch: true)
    }

    func respond(_ storage: [ParameterValue], rows: Int, batch: Bool) throws(RequestError) -> JSONValue {
        var objects: [JSONObject] = []
        if rows > 0 {
            objects = try output.map(run(storage, rows: rows, batch: batch), rows: rows)
        }
        if !batch, var object = objects.first {
            object.append("model", model)
            return .object(object)
        }
        var response = JSONObject()
        response.reserveCapacity(2)
        response.append("predictions", .array(objects.map { .object($0) }))
        response.append("model", model)
        return .object(response)
    }

    /// The features and the plan's outputs for `rows` rows.
    private func run(_ storage: [ParameterValue], rows: Int, batch: Bool) throws(RequestError) -> [Value] {
        let feeds = try features.build(storage, rows: rows, parameterCount: schema.parameters.count, batch: batch)
        do {
            return rows > Self.chunkRows ? try plan.run(rows: feeds, chunkSize: Self.chunkRows) : try plan.run(feeds)
        } catch {
            throw RequestError.inferenceFailed("The model failed on this input: \(error).")
        }
    }

    /// The JSON text of a single-row (non-batch) response, written directly: the same bytes as
    /// `respond(storage, rows: 1, batch: false).serialized()`.
    func respondJSON(_ storage: [ParameterValue]) throws(RequestError) -> [UInt8] {
        let outputs = try run(storage, rows: 1, batch: false)
        var out = JSONOutput(capacity: 256)
        out.append(UInt8(ascii: "{"))
        let start = out.count
        try output.writeMembers(outputs, into: &out)
        if out.count > start { out.append(UInt8(ascii: ",")) }
        out.append(#""model":"#)
        out.append(modelJSON)
        out.append(UInt8(ascii: "}"))
        return Array(out.bytes)
    }
}
