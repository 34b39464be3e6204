import AugurEngine
import AugurONNX
import Foundation

/// Reads tabular rows (JSON or CSV) into model inputs, checking every cell against the
/// signature and reporting bad cells by row and column.
public struct RowReader: Sendable {
    public let inputs: [ModelSignature.Port]
    /// At most this many problems are reported at once.
    public var errorLimit = 20

    public init(signature: ModelSignature) {
        inputs = signature.inputs
    }

    /// A JSON value of one cell: a number, string, bool, null (missing) or a list.
    enum Cell: Decodable {
        case null, bool(Bool), integer(Int64), number(Double), string(String), list([Cell])

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) {
                // Doubles keep -0.0; integers beyond 2^53 are re-read exactly for int64 inputs.
                if abs(d) >= 9_007_199_254_740_992, let i = try? c.decode(Int64.self) { self = .integer(i) } else { self = .number(d) }
            }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let l = try? c.decode([Cell].self) { self = .list(l) }
            else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "objects are not valid cell values") }
        }
    }

    /// Rows from a JSON array of objects keyed by input name.
    public func feeds(json data: Data) throws -> [Value] {
        let rows: [[String: Cell]]
        do {
            rows = try JSONDecoder().decode([[String: Cell]].self, from: data)
        } catch {
            throw RowError(row: nil, column: nil, "the JSON input must be an array of objects keyed by input name (\(Self.describe(error))).")
        }
        // An open width ([N, ?], or no shape) is the first row's: its list's length, or 1.
        var sinks = try inputs.map { port in
            guard ColumnSink.hasOpenWidth(port) else { return try ColumnSink(port: port) }
            let first = rows.lazy.compactMap { $0[port.name] }.first
            let width: Int = if case .list(let l)? = first { l.count } else { 1 }
            return try ColumnSink(port: port, width: width)
        }
        var problems = Problems(limit: errorLimit)
        for (index, row) in rows.enumerated() {
            for key in row.keys where !inputs.contains(where: { $0.name == key }) {
                problems.add(RowError(row: index + 1, column: key, "unknown input; the model takes \(inputs.map { "'\($0.name)'" }.joined(separator: ", "))."))
            }
            for i in sinks.indices {
                guard let cell = row[sinks[i].name] else {
                    problems.add(RowError(row: index + 1, column: sinks[i].name, "missing; use null for a missing value."))
                    continue
                }
                let cells: [Cell]
                if sinks[i].width == 1, case .list(let l) = cell, l.count == 1 { cells = l }
                else if sinks[i].width == 1 { cells = [cell] }
                else if case .list(let l) = cell, l.count == sinks[i].width { cells = l }
                else {
                    problems.add(RowError(row: index + 1, column: sinks[i].name, "expected a list of \(sinks[i].width) values."))
                    continue
                }
                for c in cells {
                    if let message = Self.append(c, to: &sinks[i]) {
                        problems.add(RowError(row: index + 1, column: sinks[i].name, message))
                    }
                }
            }
        }
        try problems.check()
        return try sinks.map { .tensor(try $0.tensor(rows: rows.count)) }
    }

    private static func append(_ cell: Cell, to sink: inout ColumnSink) -> String? {
        switch cell {
        case .null: sink.appendMissing()
        case .bool(let b): sink.append(bool: b)
        case .integer(let i): sink.append(integer: i)
        case .number(let d): sink.append(number: d)
        case .string(let s): sink.append(string: s)
        case .list: "a list where one value was expected."
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case DecodingError.typeMismatch(_, let context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "\(error)"
        }
    }
}

/// Problems collected up to a limit, thrown together.
struct Problems {
    let limit: Int
    private(set) var kept: [RowError] = []
    private(set) var total = 0

    init(limit: Int) { self.limit = limit }

    mutating func add(_ error: RowError) {
        total += 1
        if kept.count < limit { kept.append(error) }
    }

    var isFull: Bool { total >= limit }

    func check() throws {
        guard total == 0 else { throw RowErrors(errors: kept, total: total) }
    }
}
