import Foundation

/// A whole CSV file (RFC 4180 quoting, first line the header) as text columns, for summaries
/// such as training statistics. Prediction input goes through `RowReader` instead.
public enum CSVTable {
    public static func columns(csv data: Data) throws -> (header: [String], columns: [[String]]) {
        var parser = CSVParser(terminating: data)
        let header = try parser.readHeader()
        var columns = [[String]](repeating: [], count: header.count)
        var row = 0
        while !parser.atEnd {
            if parser.skipBlankLine() { continue }
            row += 1
            let fields = parser.readRecordStrings()
            guard fields.count == header.count else {
                throw RowError(row: row, column: nil, "has \(fields.count) field\(fields.count == 1 ? "" : "s"); the header has \(header.count).")
            }
            for (i, field) in fields.enumerated() { columns[i].append(field) }
        }
        return (header, columns)
    }
}
