import AugurEngine
import Foundation

extension RowReader {
    /// Rows from CSV text with a header line.
    ///
    /// The header names the inputs (one column per input of width 1), or, for a model with a
    /// single [N, k] input, k columns fill it in order whatever their names. Empty cells and
    /// `NA`/`NaN`/`null` are missing values (NaN for float inputs, an error otherwise); quoted
    /// cells (RFC 4180) hold commas, quotes and newlines.
    public func feeds(csv data: Data) throws -> [Value] {
        var bytes = [UInt8](data)
        bytes.append(0)  // strtod stops at the terminator.
        var parser = CSVParser(bytes: bytes)
        let header = parser.readRecordStrings()
        guard !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else {
            throw RowError(row: nil, column: nil, "the CSV input has no header line.")
        }
        var sinks = try inputs.map(ColumnSink.init(port:))
        let columns = try mapColumns(header, sinks)
        var problems = Problems(limit: errorLimit)
        var rows = 0
        sinks.indices.forEach { sinks[$0].reserve(bytes.count / max(1, header.count * 4)) }
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
        try problems.check()
        return try sinks.map { .tensor(try $0.tensor(rows: rows)) }
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

/// A byte-level CSV scanner over a zero-terminated buffer.
struct CSVParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count - 1 }

    mutating func skipBlankLine() -> Bool {
        if bytes[position] == UInt8(ascii: "\n") { position += 1; return true }
        if bytes[position] == UInt8(ascii: "\r"), bytes[position + 1] == UInt8(ascii: "\n") { position += 2; return true }
        return false
    }

    mutating func consumeComma() -> Bool {
        guard bytes[position] == UInt8(ascii: ",") else { return false }
        position += 1
        return true
    }

    mutating func consumeLineEnd() {
        if bytes[position] == UInt8(ascii: "\r") { position += 1 }
        if bytes[position] == UInt8(ascii: "\n") { position += 1 }
    }

    mutating func readRecordStrings() -> [String] {
        var fields: [String] = []
        repeat { fields.append(readFieldString()) } while consumeComma()
        consumeLineEnd()
        return fields
    }

    /// The raw text of the next field, unquoted.
    mutating func readFieldString() -> String {
        if bytes[position] == UInt8(ascii: "\"") {
            position += 1
            var out: [UInt8] = []
            while position < bytes.count - 1 {
                let b = bytes[position]
                if b == UInt8(ascii: "\"") {
                    if bytes[position + 1] == UInt8(ascii: "\"") { out.append(b); position += 2; continue }
                    position += 1
                    break
                }
                out.append(b)
                position += 1
            }
            // Text after a closing quote up to the separator is kept, as most readers do.
            let start = position
            while !isSeparator(bytes[position]) { position += 1 }
            out.append(contentsOf: bytes[start..<position])
            return String(decoding: out, as: UTF8.self)
        }
        let start = position
        while !isSeparator(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    @inline(__always)
    private func isSeparator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == 0
    }

    /// Reads the next field into `sink`; returns a message when the cell does not fit.
    mutating func readField(into sink: inout ColumnSink) -> String? {
        if sink.elementType.isNumeric, bytes[position] != UInt8(ascii: "\"") {
            let start = position
            if isSeparator(bytes[start]) { return sink.appendMissing() }
            var value = 0.0
            let end: Int = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return start }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    var endPointer: UnsafeMutablePointer<CChar>?
                    value = strtod(chars + start, &endPointer)
                    return endPointer.map { $0 - UnsafeMutablePointer(mutating: chars) } ?? start
                }
            }
            if end > start, isSeparator(bytes[end]), !isSpaceOrHex(start, end) {
                position = end
                return sink.append(number: value)
            }
        }
        let text = readFieldString()
        if sink.elementType == .string { return sink.append(string: text) }
        switch text {
        case "", "NA", "NaN", "nan", "null", "NULL": return sink.appendMissing()
        case "true", "True", "TRUE": return sink.append(bool: true)
        case "false", "False", "FALSE": return sink.append(bool: false)
        default: return "'\(text)' is not a \(sink.elementType) value."
        }
    }

    /// strtod also accepts leading spaces, hex floats and "inf"/"nan" words; only plain
    /// decimal numbers (and NaN/inf spelled out, handled by the caller) count as numbers here.
    private func isSpaceOrHex(_ start: Int, _ end: Int) -> Bool {
        let first = bytes[start]
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { return true }
        for b in bytes[start..<end] where b == UInt8(ascii: "x") || b == UInt8(ascii: "X") { return true }
        return false
    }
}
