/// Numbers: strict grammar, exact integers, a correctly rounded fast path for short decimals
/// (Clinger: ≤ 15 digits and a power of ten ≤ 22 are both exact Doubles), and the standard
/// library's correctly rounded conversion otherwise.
extension JSONReader {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A number whose first byte (`-` or a digit) is at the cursor.
    mutating func number() throws(JSONSyntaxError) -> JSONNumber {
        let start = pos
        let negative = peek() == UInt8(ascii: "-")
        if negative { pos += 1 }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits accumulated into `mantissa`
        var overflow = false    // more digits than fit exactly
        var scale = 0           // decimal exponent adjustment from fraction digits
        guard isDigit(peek()) else { throw numberError(start, "expected a digit") }
        if peek() == UInt8(ascii: "0") {
            pos += 1
            guard !isDigit(peek()) else { throw numberError(start, "leading zeros are not allowed") }
        } else {
            while isDigit(peek()) { accumulate(&mantissa, &digits, &overflow, &scale, fraction: false) }
        }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard isDigit(peek()) else { throw numberError(start, "expected a digit after '.'") }
            while isDigit(peek()) { accumulate(&mantissa, &digits, &overflow, &scale, fraction: true) }
        }
        var exponent = 0
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            let negativeExponent = peek() == UInt8(ascii: "-")
            if negativeExponent || peek() == UInt8(ascii: "+") { pos += 1 }
            guard isDigit(peek()) else { throw numberError(start, "expected a digit in the exponent") }
            while isDigit(peek()) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(peek() - UInt8(ascii: "0")) }
                pos += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        if isInteger, !overflow, let exact = exactInteger(mantissa, negative: negative) {
            if exact == 0 && negative { return JSONNumber(-0.0) }
            return JSONNumber(double: Double(exact), int64: exact)
        }
        let power = exponent - scale
        if !overflow, mantissa < (1 << 53), abs(power) <= 22 {
            let magnitude = Double(mantissa)
            let value = power >= 0 ? magnitude * Self.powersOfTen[power] : magnitude / Self.powersOfTen[-power]
            return JSONNumber(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(offset: pos, message: "number '\(text)' is out of the range of a double")
        }
        return JSONNumber(value)
    }

    private mutating func accumulate(_ mantissa: inout UInt64, _ digits: inout Int, _ overflow: inout Bool,
                                     _ scale: inout Int, fraction: Bool) {
        let digit = UInt64(peek() - UInt8(ascii: "0"))
        pos += 1
        if digits == 0 && digit == 0 {
            if fraction { scale += 1 }
            return
        }
        if digits < 19 {
            mantissa = mantissa * 10 + digit
            digits += 1
            if fraction { scale += 1 }
        } else {
            overflow = true
        }
    }

    /// The Int64 whose magnitude is `mantissa`, if it fits.
    private func exactInteger(_ mantissa: UInt64, negative: Bool) -> Int64? {
        if negative {
            if mantissa == UInt64(Int64.max) + 1 { return Int64.min }
            return mantissa <= UInt64(Int64.max) ? -Int64(mantissa) : nil
        }
        return mantissa <= UInt64(Int64.max) ? Int64(mantissa) : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func numberError(_ start: Int, _ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: pos, message: "invalid number: \(message)")
    }
}
