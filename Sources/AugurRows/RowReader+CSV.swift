import AugurEngine
import AugurONNX
import Foundation

extension RowReader {
    /// Rows from CSV text with a header line.
    ///
    /// The header names the inputs (one column per input of width 1), or, for a model with a
    /// single [N, k] input, k columns fill it in order whatever their names (k is the header's
    /// column count when the model leaves it open: [N, ?] or no shape). Empty cells and
    /// `NA`/`NaN`/`null` are missing values (NaN for float inputs, an error otherwise); quoted
    /// cells (RFC 4180) hold commas, quotes and newlines.
    ///
    /// With `threads` above 1, a big file is parsed in chunks split at line ends, in parallel,
    /// unless a quoted cell spans lines. Problems are always reported as a single pass reports
    /// them: when a chunk finds one, the file is parsed again in one pass.
    public func feeds(csv data: Data, threads: Int = 1) throws -> [Value] {
        var parser = try CSVParser(terminating: data)
        let bytes = parser.bytes
        let header = try parser.readHeader()
        // An open width ([N, ?], or no shape): the header's column count for a single input
        // (its columns fill it in order), else one column per input.
        let sinks = try inputs.map { port in
            ColumnSink.hasOpenWidth(port) ? try ColumnSink(port: port, width: inputs.count == 1 ? header.count : 1) : try ColumnSink(port: port)
        }
        let layout = CSVLayout(header: header, columns: try mapColumns(header, sinks), sinks: sinks)
        let body = parser.position..<(bytes.count - 1)
        let chunks = CSVParser.chunks(of: bytes, body, count: threads)
        if chunks.count > 1 {
            let parts = parallelMap(chunks.count, threads: threads) { layout.parse(bytes, chunks[$0], errorLimit: errorLimit) }
            if parts.allSatisfy({ $0.problems.total == 0 }) {
                let rows = parts.reduce(0) { $0 + $1.rows }
                return try sinks.indices.map { input in
                    .tensor(try (ColumnSink.joined(parts.map { $0.sinks[input] }) ?? sinks[input]).tensor(rows: rows))
                }
            }
        }
        let part = layout.parse(bytes, body, errorLimit: errorLimit)
        try part.problems.check()
        return try part.sinks.map { .tensor(try $0.tensor(rows: part.rows)) }
    }

    /// For each CSV column, the index of the input (sink) it fills.
    private func mapColumns(_ header: [String], _ sinks: [ColumnSink]) throws -> [Int] {
        if sinks.allSatisfy({ $0.width == 1 }), Set(header) == Set(sinks.map(\.name)), header.count == sinks.count {
            return header.compactMap { name in sinks.firstIndex { $0.name == name } }
        }
        if sinks.count == 1, sinks[0].width == header.count {
            return Array(repeating: 0, count: header.count)
        }
        let expected = sinks.count == 1
            ? "\(sinks[0].width) columns for input '\(sinks[0].name)'"
            : "one column per input: \(sinks.map { "'\($0.name)'" }.joined(separator: ", "))"
        throw RowError(row: nil, column: nil, "the CSV header has \(header.count) columns (\(header.joined(separator: ","))); expected \(expected).")
    }
}

/// How a CSV file's columns fill the inputs, and the parse of its records.
struct CSVLayout: Sendable {
    let header: [String]
    /// For each column, the input (sink) it fills.
    let columns: [Int]
    /// Empty sinks, one per input.
    let sinks: [ColumnSink]

    /// The records in `range` of `bytes` (whole lines), with rows numbered from 1.
    func parse(_ bytes: [UInt8], _ range: Range<Int>, errorLimit: Int) -> (sinks: [ColumnSink], rows: Int, problems: Problems) {
        var parser = CSVParser(bytes: bytes, range: range)
        var sinks = sinks
        var problems = Problems(limit: errorLimit)
        var rows = 0
        sinks.indices.forEach { sinks[$0].reserve(range.count / max(1, header.count * 4)) }
        while !parser.atEnd {
            if parser.skipBlankLine() { continue }
            rows += 1
            var field = 0
            repeat {
                if field < columns.count {
                    let (sink, name) = (columns[field], header[field])
                    if let message = parser.readField(into: &sinks[sink]) {
                        problems.add(RowError(row: rows, column: name, message))
                    }
                } else {
                    _ = parser.readFieldString()
                }
                field += 1
            } while parser.consumeComma()
            parser.consumeLineEnd()
            if field != header.count {
                problems.add(RowError(row: rows, column: nil, "has \(field) cells; the header has \(header.count)."))
                if problems.isFull { break }
            }
        }
        return (sinks, rows, problems)
    }
}
