import Foundation

/// The decoders: every way rows reach a pipeline, each collecting every problem of every row
/// (pydantic-style issues) before anything runs.
extension PredictionPipeline {
    /// A JSON body: an object is one row; an array or `{"instances": [...]}` (when no
    /// parameter is named `instances`) is a batch of at most `maxBatch` rows.
    public func decode(body: JSONValue) throws(RequestError) -> ParameterRows {
        switch body {
        case .array(let rows): return try decode(rows: rows, at: ["body"], limit: maxBatch)
        case .object(let object):
            if schema.position(of: "instances") == nil, case .array(let rows)? = object["instances"] {
                // The envelope is Augur's, not the route's: `instances` and nothing else,
                // whatever `allow_unknown_fields` says about rows.
                let extra = object.members.filter { $0.key != "instances" }.map {
                    Issue(type: .extraForbidden, loc: ["body", .key($0.key)], msg: "Extra inputs are not permitted", input: $0.value)
                }
                guard !extra.isEmpty else { return try decode(rows: rows, at: ["body"], limit: maxBatch) }
                do throws(RequestError) {
                    _ = try decode(rows: rows, at: ["body"], limit: maxBatch)
                } catch {
                    throw .validation(extra + error.issues)
                }
                throw .validation(extra)
            }
            var storage = [ParameterValue](filled: .missing, count: schema.parameters.count)
            var issues: [Issue] = []
            schema.decode(body, at: ["body"], into: &storage, base: 0, issues: &issues)
            guard issues.isEmpty else { throw .validation(issues) }
            return ParameterRows(storage: storage, count: 1, isBatch: false)
        default:
            throw RequestError.validation([Issue(type: .modelAttributesType, loc: ["body"],
                                                 msg: "Input should be a valid dictionary or object to extract fields from", input: body)])
        }
    }

    /// A JSON request body's bytes: the usual single flat object read straight from them
    /// (`fastRows`), anything else parsed and decoded by `decode(body:)`, with the same
    /// values or errors either way.
    public func decode(json bytes: UnsafeRawBufferPointer, parser: JSONParser) throws(RequestError) -> ParameterRows {
        try bytes.withMemoryRebound(to: UInt8.self) { bytes throws(RequestError) in
            if let rows = fastRows(bytes, maxDepth: parser.maxDepth) { return rows }
            return try decode(body: parser.parse(bytes))
        }
    }

    /// A batch of JSON objects keyed by parameter name; row `i`'s issues are at
    /// `loc + [i, …]`. More than `limit` rows is a `too_long` issue at `loc`.
    public func decode(rows: [JSONValue], at loc: [LocationPart], limit: Int? = nil) throws(RequestError) -> ParameterRows {
        try checkLimit(rows.count, limit, at: loc)
        let count = schema.parameters.count
        var storage = [ParameterValue](filled: .missing, count: try checkedCells(rows.count, at: loc))
        var issues: [Issue] = []
        for (i, row) in rows.enumerated() {
            schema.decode(row, at: loc + [.index(i)], into: &storage, base: i * count, issues: &issues)
        }
        guard issues.isEmpty else { throw .validation(issues) }
        return ParameterRows(storage: storage, count: rows.count, isBatch: true)
    }

    /// GET `?name=value…`: one row, values converted by parameter type (kedro style).
    public func decode(query: [(String, String)]) throws(RequestError) -> ParameterRows {
        var storage = [ParameterValue](filled: .missing, count: schema.parameters.count)
        var issues: [Issue] = []
        schema.decode(text: query, at: ["query"], into: &storage, base: 0, issues: &issues)
        guard issues.isEmpty else { throw .validation(issues) }
        return ParameterRows(storage: storage, count: 1, isBatch: false)
    }

    /// A table of text cells (a CSV file): one batch row per record, cells converted by
    /// parameter type as query values are; an empty cell is an absent value (the default,
    /// or missing). Row `i`'s issues are at `loc + [i, name]`.
    public func decode(header: [String], records: [[String]], at loc: [LocationPart], limit: Int? = nil) throws(RequestError) -> ParameterRows {
        try checkLimit(records.count, limit, at: loc)
        let count = schema.parameters.count
        var storage = [ParameterValue](filled: .missing, count: try checkedCells(records.count, at: loc))
        // The header is checked once, also when no record follows it.
        let headerIssues = columnIssues(header, at: loc + ["header"])
        let reported = Set(headerIssues.compactMap { $0.loc.last?.description })
        var issues: [Issue] = []
        for (i, record) in records.enumerated() {
            let pairs = zip(header, record).filter { !$0.1.isEmpty }
            schema.decode(text: pairs, at: loc + [.index(i)], into: &storage, base: i * count, issues: &issues)
        }
        if !headerIssues.isEmpty {
            // Drop the per-row echoes of the header's problems; keep every other problem.
            issues = headerIssues + issues.filter { issue in
                !((issue.type == .extraForbidden || issue.type == .missing) && issue.loc.count == loc.count + 2
                  && issue.loc.last.map { reported.contains($0.description) } == true)
            }
        }
        guard issues.isEmpty else { throw .validation(issues) }
        return ParameterRows(storage: storage, count: records.count, isBatch: true)
    }

    /// The problems of a table's column names, whatever its rows: a column that is not a
    /// parameter (unless unknown fields are allowed), or a required parameter without a
    /// column, each one issue at `loc + [name]` rather than one per row.
    public func columnIssues(_ names: [String], at loc: [LocationPart]) -> [Issue] {
        var issues: [Issue] = []
        for name in names where schema.position(of: name) == nil && !schema.allowUnknownFields {
            issues.append(Issue(type: .extraForbidden, loc: loc + [.key(name)], msg: "Extra inputs are not permitted", input: .string(name)))
        }
        let columns = Set(names)
        for parameter in schema.parameters where parameter.parameter.required && !columns.contains(parameter.name) {
            issues.append(Issue(type: .missing, loc: loc + [.key(parameter.name)], msg: "Field required",
                                input: .array(names.map { .string($0) })))
        }
        return issues
    }

    private func checkLimit(_ count: Int, _ limit: Int?, at loc: [LocationPart]) throws(RequestError) {
        guard let limit, count > limit else { return }
        throw RequestError.validation([Issue(
            type: .tooLong, loc: loc,
            msg: "List should have at most \(limit) item\(limit == 1 ? "" : "s") after validation, not \(count)",
            context: .object(JSONObject([("field_type", "List"), ("max_length", .integer(limit)), ("actual_length", .integer(count))])))])
    }

    /// `rows × parameters` value slots, refused past the engine's element cap.
    private func checkedCells(_ rows: Int, at loc: [LocationPart]) throws(RequestError) -> Int {
        let (cells, overflow) = rows.multipliedReportingOverflow(by: schema.parameters.count)
        guard !overflow, cells <= Self.maxCells else {
            throw RequestError.validation([Issue(type: .tooLong, loc: loc,
                                                 msg: "The request has \(rows) rows; at most \(Self.maxCells / Swift.max(1, schema.parameters.count)) fit.")])
        }
        return cells
    }

    /// The most parameter values one decode holds (rows × parameters).
    static let maxCells = 1 << 28
}
