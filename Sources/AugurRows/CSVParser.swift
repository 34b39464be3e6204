import Foundation

/// A byte-level CSV scanner over a zero-terminated buffer.
struct CSVParser {
    let bytes: [UInt8]
    var position: Int
    /// Where the records read end: the terminator, or the end of a chunk of whole lines.
    let end: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        position = 0
        end = bytes.count - 1
    }

    /// A parser of the whole lines in `range` (the buffer is still zero-terminated).
    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    /// A parser over a zero-terminated copy of `data` (strtod stops at the terminator). A NUL
    /// byte in `data` is refused: the scanner takes the first zero for the end of the text, so
    /// one inside it would end a field that no separator follows (CSV is text; NUL is no
    /// character of it).
    init(terminating data: Data) throws {
        let bytes = [UInt8](unsafeUninitializedCapacity: data.count + 1) { buffer, initialized in
            let copied = data.copyBytes(to: buffer)
            buffer[copied] = 0
            initialized = copied + 1
        }
        let nul = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in memchr(base, 0, buffer.count - 1).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } }
        }
        if let nul {
            let line = bytes[..<nul].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            throw RowError(row: nil, column: nil, "the CSV input holds a NUL byte (line \(line)); CSV must be text.")
        }
        self.init(bytes: bytes)
    }

    /// The first record, which must name the columns.
    mutating func readHeader() throws -> [String] {
        let header = readRecordStrings()
        guard !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else {
            throw RowError(row: nil, column: nil, "the CSV input has no header line.")
        }
        return header
    }

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
            if let (value, end) = plainDecimal(at: start) {
                position = end
                return sink.append(number: value)
            }
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

    /// A plain decimal cell (`-12.5`, `3`, `.5`, `1e-3`) within Clinger's fast path: at most
    /// 15 digits and a power of ten within ±22, so that one exact IEEE multiplication or
    /// division gives the correctly rounded double, the very value strtod returns. Nil for
    /// anything else, which strtod then reads.
    @inline(__always)
    private func plainDecimal(at start: Int) -> (value: Double, end: Int)? {
        var p = start
        let negative = bytes[p] == UInt8(ascii: "-")
        if negative || bytes[p] == UInt8(ascii: "+") { p += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var inFraction = false
        while true {
            let byte = bytes[p]
            if byte &- UInt8(ascii: "0") < 10 {
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                digits += 1
                if inFraction { exponent -= 1 }
            } else if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else {
                break
            }
            p += 1
            if digits > 15 { return nil }
        }
        guard digits > 0 else { return nil }
        if bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E") {
            guard let written = exponentDigits(&p) else { return nil }
            exponent += written
        }
        guard isSeparator(bytes[p]), (-22...22).contains(exponent) else { return nil }
        let magnitude = exponent >= 0 ? Double(mantissa) * Self.powersOfTen[exponent]
                                      : Double(mantissa) / Self.powersOfTen[-exponent]
        return (negative ? -magnitude : magnitude, p)
    }

    /// The exponent after the `e` at `p` (a sign and one to four digits), moving `p` past it.
    @inline(__always)
    private func exponentDigits(_ p: inout Int) -> Int? {
        p += 1
        let negative = bytes[p] == UInt8(ascii: "-")
        if negative || bytes[p] == UInt8(ascii: "+") { p += 1 }
        var value = 0
        var count = 0
        while bytes[p] &- UInt8(ascii: "0") < 10, count < 4 {
            value = value * 10 + Int(bytes[p] &- UInt8(ascii: "0"))
            count += 1
            p += 1
        }
        guard count > 0 else { return nil }
        return negative ? -value : value
    }

    /// 10^0 ... 10^22, all exact doubles.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// strtod also accepts leading spaces, hex floats and "inf"/"nan" words; only plain
    /// decimal numbers (and NaN/inf spelled out, handled by the caller) count as numbers here.
    private func isSpaceOrHex(_ start: Int, _ end: Int) -> Bool {
        let first = bytes[start]
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { return true }
        for b in bytes[start..<end] where b == UInt8(ascii: "x") || b == UInt8(ascii: "X") { return true }
        return false
    }
}

extension CSVParser {
    /// Chunks smaller than this are not worth a thread.
    static let minimumChunk = 1 << 16

    /// `range` of `bytes` split into up to `count` chunks of whole lines, for parsing in
    /// parallel: one chunk when `count` is 1, the text is small, or a quoted cell spans lines
    /// (then a line end does not always end a record).
    static func chunks(of bytes: [UInt8], _ range: Range<Int>, count: Int) -> [Range<Int>] {
        let pieces = min(count, range.count / minimumChunk)
        guard pieces > 1, !quotedCellSpansLines(bytes, range) else { return [range] }
        var chunks: [Range<Int>] = []
        var start = range.lowerBound
        for piece in 1..<pieces {
            // Cut after the first line end at or past the even share.
            var cut = Swift.max(start + 1, range.lowerBound + range.count / pieces * piece)
            while cut < range.upperBound, bytes[cut - 1] != UInt8(ascii: "\n") { cut += 1 }
            guard cut < range.upperBound else { break }
            chunks.append(start..<cut)
            start = cut
        }
        chunks.append(start..<range.upperBound)
        return chunks
    }

    /// Whether a quoted cell in `range` holds a line end, scanning cells as `readFieldString`
    /// reads them: a quote opens a quoted cell only as a cell's first character, and `""`
    /// inside it is a quote.
    static func quotedCellSpansLines(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let quoted = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memchr($0 + range.lowerBound, Int32(quote), range.count) != nil } ?? false
        }
        guard quoted else { return false }
        var p = range.lowerBound
        var cellStart = true
        while p < range.upperBound {
            let byte = bytes[p]
            guard cellStart, byte == quote else {
                cellStart = byte == UInt8(ascii: ",") || byte == newline || byte == carriageReturn
                p += 1
                continue
            }
            p += 1
            while p < range.upperBound, bytes[p] != quote || bytes[p + 1] == quote {
                if bytes[p] == newline || bytes[p] == carriageReturn { return true }
                p += bytes[p] == quote ? 2 : 1
            }
            p += 1
            cellStart = false
        }
        return false
    }
}
