import Foundation

/// A whole CSV file (RFC 4180 quoting, first line the header) as text columns, for summaries
/// such as training statistics. Prediction input goes through `RowReader` instead.
public enum CSVTable {
    public static func columns(csv data: Data) throws -> (header: [String], columns: [[String]]) {
        let bytes = [UInt8](unsafeUninitializedCapacity: data.count + 1) { buffer, initialized in
            let copied = data.copyBytes(to: buffer)
            buffer[copied] = 0
            initialized = copied + 1
        }
        var parser = CSVParser(bytes: bytes)
        let header = parser.readRecordStrings()
        guard !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else {
            throw RowError(row: nil, column: nil, "the CSV file has no header line.")
        }
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
