import Foundation

/// A whole CSV file (RFC 4180 quoting, first line the header) as text, for summaries such as
/// training statistics and for rows scored through a route. Model input read straight into
/// tensors goes through `RowReader` instead.
public enum CSVTable {
    /// The header and every record (blank lines skipped); a record whose field count is not
    /// the header's is an error naming its row (1-based, after the header).
    public static func records(csv data: Data) throws -> (header: [String], records: [[String]]) {
        var parser = try CSVParser(terminating: data)
        let header = try parser.readHeader()
        var records: [[String]] = []
        while !parser.atEnd {
            if parser.skipBlankLine() { continue }
            let fields = parser.readRecordStrings()
            guard fields.count == header.count else {
                throw RowError(row: records.count + 1, column: nil,
                               "has \(fields.count) field\(fields.count == 1 ? "" : "s"); the header has \(header.count).")
            }
            records.append(fields)
        }
        return (header, records)
    }

    /// The header line's names alone.
    public static func header(csv data: Data) throws -> [String] {
        var parser = try CSVParser(terminating: data)
        return try parser.readHeader()
    }

    /// The header and one text column per header name.
    public static func columns(csv data: Data) throws -> (header: [String], columns: [[String]]) {
        let (header, records) = try records(csv: data)
        var columns = [[String]](repeating: [], count: header.count)
        for record in records {
            for (i, field) in record.enumerated() { columns[i].append(field) }
        }
        return (header, columns)
    }
}
