/// One token of an expression.
struct ExpressionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case symbol(String)
        case end
    }

    let kind: Kind
    /// 1-based column of the first character.
    let column: Int
}

/// Splits expression text into tokens: numbers, quoted strings, identifiers and operators.
enum ExpressionLexer {
    private static let symbols = ["**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "(", ")", ",", "{", "}", ":"]

    static func tokens(_ text: String) throws(ExpressionError) -> [ExpressionToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [ExpressionToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                tokens.append(ExpressionToken(kind: .number(try number(chars, &i)), column: column))
            } else if c == "\"" || c == "'" {
                tokens.append(ExpressionToken(kind: .string(try string(chars, &i)), column: column))
            } else if isIdentifierStart(c) {
                var name = ""
                while i < chars.count, isIdentifierStart(chars[i]) || isDigit(chars[i]) {
                    name.unicodeScalars.append(chars[i])
                    i += 1
                }
                tokens.append(ExpressionToken(kind: .identifier(name), column: column))
            } else if let symbol = symbols.first(where: { matches($0, chars, at: i) }) {
                tokens.append(ExpressionToken(kind: .symbol(symbol), column: column))
                i += symbol.unicodeScalars.count
            } else {
                throw ExpressionError(message: "unexpected character '\(c)'", column: column)
            }
        }
        tokens.append(ExpressionToken(kind: .end, column: chars.count + 1))
        return tokens
    }

    private static func number(_ chars: [Unicode.Scalar], _ i: inout Int) throws(ExpressionError) -> Double {
        let start = i
        while i < chars.count, isDigit(chars[i]) || chars[i] == "." || chars[i] == "_" { i += 1 }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, isDigit(chars[j]) {
                i = j
                while i < chars.count, isDigit(chars[i]) { i += 1 }
            }
        }
        var text = ""
        for c in chars[start..<i] where c != "_" { text.unicodeScalars.append(c) }
        guard let value = Double(text), value.isFinite else {
            throw ExpressionError(message: "invalid number '\(text)'", column: start + 1)
        }
        return value
    }

    private static func string(_ chars: [Unicode.Scalar], _ i: inout Int) throws(ExpressionError) -> String {
        let quote = chars[i]
        let start = i
        i += 1
        var value = ""
        while i < chars.count {
            let c = chars[i]
            if c == quote {
                i += 1
                return value
            }
            if c == "\\", i + 1 < chars.count {
                i += 1
            }
            value.unicodeScalars.append(chars[i])
            i += 1
        }
        throw ExpressionError(message: "unterminated string", column: start + 1)
    }

    private static func matches(_ symbol: String, _ chars: [Unicode.Scalar], at i: Int) -> Bool {
        let scalars = Array(symbol.unicodeScalars)
        guard i + scalars.count <= chars.count else { return false }
        return (0..<scalars.count).allSatisfy { chars[i + $0] == scalars[$0] }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (c.value >= 0x80 && c.properties.isAlphabetic)
    }
}
