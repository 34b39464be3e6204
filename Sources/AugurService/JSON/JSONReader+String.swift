/// Strings: an ASCII fast path, then escapes and UTF-8 validation byte by byte.
extension JSONReader {
    /// A string whose opening quote is at the cursor.
    mutating func string() throws(JSONSyntaxError) -> String {
        pos += 1
        let start = pos
        while pos < bytes.count {
            let byte = bytes[pos]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            pos += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        try slowString(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private mutating func slowString(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        while pos < bytes.count {
            let byte = bytes[pos]
            switch byte {
            case UInt8(ascii: "\""):
                pos += 1
                return
            case UInt8(ascii: "\\"):
                try escape(into: &buffer)
            case 0..<0x20:
                throw JSONSyntaxError(offset: pos, message: "control character \(describe(at: pos)) must be escaped in a string")
            case 0x20..<0x80:
                buffer.append(byte)
                pos += 1
            default:
                let length = try utf8SequenceLength()
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<(pos + length)]))
                pos += length
            }
        }
        throw JSONSyntaxError(offset: pos, message: "unterminated string")
    }

    private mutating func escape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let start = pos
        pos += 1
        guard pos < bytes.count else { throw JSONSyntaxError(offset: start, message: "unterminated string") }
        let code = bytes[pos]
        pos += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(code)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"): try unicodeEscape(startingAt: start, into: &buffer)
        default: throw JSONSyntaxError(offset: start, message: "invalid escape '\\\(describe(at: pos - 1).trimmingQuotes)'")
        }
    }

    private mutating func unicodeEscape(startingAt start: Int, into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let unit = try hex4(escapeAt: start)
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            guard bytes.count - pos >= 6, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                throw JSONSyntaxError(offset: start, message: "lone surrogate '\\u\(hex(unit))' in a string")
            }
            let lowStart = pos
            pos += 2
            let low = try hex4(escapeAt: lowStart)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONSyntaxError(offset: start, message: "lone surrogate '\\u\(hex(unit))' in a string")
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw JSONSyntaxError(offset: start, message: "lone surrogate '\\u\(hex(unit))' in a string")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw JSONSyntaxError(offset: start, message: "invalid escape in a string")
        }
        if let encoded = UTF8.encode(scalar) { buffer.append(contentsOf: encoded) }
    }

    private mutating func hex4(escapeAt start: Int) throws(JSONSyntaxError) -> UInt16 {
        guard bytes.count - pos >= 4 else { throw JSONSyntaxError(offset: start, message: "incomplete '\\u' escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[pos]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONSyntaxError(offset: start, message: "invalid '\\u' escape: \(describe(at: pos)) is not a hex digit")
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }

    private func hex(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The length of the valid UTF-8 sequence at the cursor (lead byte ≥ 0x80), or an error.
    private func utf8SequenceLength() throws(JSONSyntaxError) -> Int {
        let lead = bytes[pos]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw invalidUTF8()
        }
        guard bytes.count - pos >= length else { throw invalidUTF8() }
        let second = bytes[pos + 1]
        guard second >= low && second <= high else { throw invalidUTF8() }
        for i in 2..<length where bytes[pos + i] & 0xC0 != 0x80 { throw invalidUTF8() }
        return length
    }

    private func invalidUTF8() -> JSONSyntaxError {
        JSONSyntaxError(offset: pos, message: "invalid UTF-8 (\(describe(at: pos)))")
    }
}

private extension String {
    var trimmingQuotes: Substring {
        if hasPrefix("'"), hasSuffix("'"), count >= 2 { return dropFirst().dropLast() }
        return Substring(self)
    }
}
