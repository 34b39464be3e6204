import AugurRows
import AugurService
import Foundation
import Hummingbird
import NIOCore

/// The MLflow scoring protocol (what `mlflow models serve` answers) over one route, the
/// configuration's `server.invocations_route` or its only route: `GET /ping`, `/health` (a
/// newline) and `/version` (Augur's version) as plain text (MLflow labels them
/// `application/json`, but they are not JSON); `POST /invocations` with `application/json` holding exactly one of
/// `dataframe_split`, `dataframe_records`, `instances`, `inputs` (and optionally `params`,
/// which no route takes) or `text/csv` with a header → `{"predictions": [...]}`. Errors are
/// MLflow's `{"error_code", "message"}` with 400; a content type or charset other than these
/// is a 415 with a plain-text message, as MLflow sends it.
struct MLflowEndpoints: Sendable {
    let registry: ModelRegistry
    let maxBodyBytes: Int
    /// Rows predicted are counted here (nil: `server.metrics: false`).
    var metrics: ServerMetrics? = nil
    let parser = JSONParser()

    static let formats = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    func register(on router: Router<AugurRequestContext>) {
        for path in ["/ping", "/health"] {
            router.get(RouterPath(path)) { _, _ in
                Self.plain(200, "\n")
            }
        }
        router.get("/version") { _, _ in
            Self.plain(200, AugurVersion.current)
        }
        router.post("/invocations") { request, _ in
            guard let name = registry.configuration.invocationsRoute, let route = registry.service.route(named: name) else {
                return Self.error(404, "RESOURCE_DOES_NOT_EXIST", "No route serves /invocations; set server.invocations_route.")
            }
            let csv: Bool
            switch Self.mediaType(request.headers.value(.contentType)) {
            case .success(let isCSV): csv = isCSV
            case .failure(let refusal): return Self.plain(415, refusal.message)
            }
            guard let body = try await ProtocolBody.collect(request, limit: maxBodyBytes) else {
                return Self.error(400, "BAD_REQUEST", "The request body is larger than the limit of \(maxBodyBytes) bytes.")
            }
            do throws(RequestError) {
                let rows = csv ? try Self.csvRows(body, route) : try Self.jsonRows(try parser.parse(body.readableBytesView), route)
                let predictions = try await route.predict(rows)
                metrics?.predicted(route, predictions)
                return Response.encoded(predictions, with: PredictionsListEncoder())
            } catch {
                if error.statusCode == 500 { return Self.error(500, "INTERNAL_ERROR", error.summary) }
                let code = error.statusCode == 422 ? "INVALID_PARAMETER_VALUE" : "BAD_REQUEST"
                let message = error.issues.first?.type == .jsonInvalid
                    ? "Invalid input. Ensure that input is a valid JSON formatted string. Error: \(error.issues.first?.msg ?? "")" : error.summary
                return Self.error(400, code, message)
            }
        }
    }

    struct Refusal: Error { let message: String }

    /// Whether the body is CSV (else JSON), or why the content type is refused.
    static func mediaType(_ header: String?) -> Result<Bool, Refusal> {
        let supported = "This predictor only supports the following content types: ['text/csv', 'application/json']."
        guard let header else { return .failure(Refusal(message: supported + " Got no Content-Type.")) }
        let parts = header.split(separator: ";").map { $0.trimming(" \t").lowercased() }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimming(" \t\"") }
            guard pair.count == 2, pair[0] == "charset" else {
                return .failure(Refusal(message: "Unrecognized content type parameters: \(pair.first ?? ""). Only charset=utf-8 is accepted."))
            }
            guard pair[1] == "utf-8" || pair[1] == "utf8" else { return .failure(Refusal(message: "The scoring server only supports UTF-8")) }
        }
        switch parts.first {
        case "application/json": return .success(false)
        case "text/csv": return .success(true)
        default: return .failure(Refusal(message: supported + " Got '\(parts.first ?? "")'."))
        }
    }

    static func jsonRows(_ body: JSONValue, _ route: Route) throws(RequestError) -> ParameterRows {
        let expected = "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}."
        guard case .object(let object) = body else { throw bad(expected + " Received \(kind(body)).") }
        let present = formats.filter { object[$0] != nil }
        guard present.count == 1, let format = present.first, let value = object[format] else {
            throw bad(expected + " Received dictionary with input fields: [\(object.members.map { "'\($0.key)'" }.joined(separator: ", "))].")
        }
        let loc: [LocationPart] = []
        switch (format, value) {
        case ("dataframe_split", .object(let split)):
            guard case .array(let columns)? = split["columns"], case .array(let data)? = split["data"] else {
                throw bad("Provided dataframe_split field is not a valid dataframe representation: it needs 'columns' and 'data'.")
            }
            let names = columns.map { $0.string ?? $0.serializedString }
            var rows: [JSONValue] = []
            for (i, row) in data.enumerated() {
                guard case .array(let cells) = row, cells.count == names.count else {
                    throw bad("Provided dataframe_split field is not a valid dataframe representation: row \(i) does not have \(names.count) values.")
                }
                rows.append(.object(JSONObject(Array(zip(names, cells)))))
            }
            try Self.checkColumns(names, rows: rows.count, route)
            return try route.pipeline.decode(rows: rows, at: loc, limit: route.pipeline.maxBatch)
        case ("dataframe_split", _):
            throw bad("Dataframe split format must be a dictionary. Got \(kind(value)).")
        case ("dataframe_records", .array(let rows)):
            return try route.pipeline.decode(rows: rows, at: loc, limit: route.pipeline.maxBatch)
        case ("dataframe_records", _):
            throw bad("Dataframe records format must be a list of records. Got \(kind(value)).")
        case (_, .array(let rows)):
            return try route.pipeline.decode(rows: rows, at: loc, limit: route.pipeline.maxBatch)
        case (_, .object(let columns)):
            // A dict of columns: {"a": [1, 2], "b": [3, 4]}.
            var length: Int?
            for member in columns.members {
                guard case .array(let cells) = member.value, length == nil || length == cells.count else {
                    throw bad("The columns of '\(format)' must be lists of one length.")
                }
                length = cells.count
            }
            let rows: [JSONValue] = (0..<(length ?? 0)).map { r in
                .object(JSONObject(columns.members.map { member in
                    if case .array(let cells) = member.value { return (member.key, cells[r]) }
                    return (member.key, .null)
                }))
            }
            try Self.checkColumns(columns.keys, rows: rows.count, route)
            return try route.pipeline.decode(rows: rows, at: loc, limit: route.pipeline.maxBatch)
        default:
            throw bad("'\(format)' must be a list of rows or a dictionary of columns. Got \(kind(value)).")
        }
    }

    static func csvRows(_ body: ByteBuffer, _ route: Route) throws(RequestError) -> ParameterRows {
        let table: (header: [String], records: [[String]])
        do {
            table = try CSVTable.records(csv: Data(body.readableBytesView))
        } catch {
            throw bad("Failed to parse input as a CSV table with a header: \(error)")
        }
        return try route.pipeline.decode(header: table.header, records: table.records, at: [], limit: route.pipeline.maxBatch)
    }

    static func bad(_ message: String) -> RequestError {
        RequestError(status: 400, issues: [Issue(type: .badRequest, loc: [], msg: message)])
    }

    /// Columns without rows still name the route's parameters (rows check them otherwise).
    static func checkColumns(_ names: [String], rows: Int, _ route: Route) throws(RequestError) {
        guard rows == 0 else { return }
        let issues = route.pipeline.columnIssues(names, at: ["columns"])
        if !issues.isEmpty { throw .validation(issues) }
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .object: "dictionary"
        case .array: "list"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> Response {
        .json(.object(JSONObject([("error_code", .string(code)), ("message", .string(message))])), status: HTTPResponse.Status(code: status))
    }

    static func plain(_ status: Int, _ message: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
