/// The parsing state of `JSONParser`: a cursor over UTF-8 bytes and a stack of open containers.
struct JSONReader {
    private enum Container {
        case array([JSONValue])
        case object(JSONObject, key: String)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var pos = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// The whole text: one value, surrounded by optional whitespace.
    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        var stack: [Container] = []
        stack.reserveCapacity(4)
        parsing: while true {
            skipWhitespace()
            var value: JSONValue
            switch peek() {
            case UInt8(ascii: "{"):
                let open = pos
                pos += 1
                try checkDepth(stack.count + 1, at: open)
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    var object = JSONObject()
                    object.reserveCapacity(8)
                    let key = try key(in: object)
                    stack.append(.object(object, key: key))
                    continue parsing
                }
            case UInt8(ascii: "["):
                let open = pos
                pos += 1
                try checkDepth(stack.count + 1, at: open)
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    var array: [JSONValue] = []
                    array.reserveCapacity(8)
                    stack.append(.array(array))
                    continue parsing
                }
            default:
                value = try scalar()
            }
            // Attach the finished value to its parents, closing every container that ends here.
            while let top = stack.popLast() {
                skipWhitespace()
                switch consume top {
                case .array(var array):
                    array.append(value)
                    let byte = peek()
                    pos += 1
                    if byte == UInt8(ascii: ",") {
                        stack.append(.array(array))
                        continue parsing
                    }
                    guard byte == UInt8(ascii: "]") else { throw unexpected(at: pos - 1, expected: "',' or ']'") }
                    value = .array(array)
                case .object(var object, let key):
                    object.append(key, value)
                    let byte = peek()
                    pos += 1
                    if byte == UInt8(ascii: ",") {
                        skipWhitespace()
                        let next = try self.key(in: object)
                        stack.append(.object(object, key: next))
                        continue parsing
                    }
                    guard byte == UInt8(ascii: "}") else { throw unexpected(at: pos - 1, expected: "',' or '}'") }
                    value = .object(object)
                }
            }
            skipWhitespace()
            guard pos >= bytes.count else {
                throw JSONSyntaxError(offset: pos, message: "unexpected \(describe(at: pos)) after the JSON value")
            }
            return value
        }
    }

    private func checkDepth(_ depth: Int, at offset: Int) throws(JSONSyntaxError) {
        guard depth <= maxDepth else {
            throw JSONSyntaxError(offset: offset, message: "nesting is deeper than the limit of \(maxDepth) levels")
        }
    }

    /// An object key and its colon; a key already in `object` is an error.
    private mutating func key(in object: JSONObject) throws(JSONSyntaxError) -> String {
        let start = pos
        guard peek() == UInt8(ascii: "\"") else { throw unexpected(at: pos, expected: "a string key in double quotes") }
        let key = try string()
        if object.position(of: key) != nil {
            throw JSONSyntaxError(offset: start, message: "duplicate key '\(key)'")
        }
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw unexpected(at: pos, expected: "':'") }
        pos += 1
        return key
    }

    /// A string, number or literal.
    mutating func scalar() throws(JSONSyntaxError) -> JSONValue {
        switch peek() {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw JSONSyntaxError(offset: pos, message: "NaN and Infinity are not valid JSON numbers")
        default: throw unexpected(at: pos, expected: "a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        guard bytes.count - pos >= count else { throw unexpected(at: pos, expected: "a value") }
        for i in 0..<count where bytes[pos + i] != start[i] {
            throw unexpected(at: pos, expected: "a value")
        }
        pos += count
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// The byte at the cursor, or 0 at the end (0 is never valid where a token is expected).
    func peek() -> UInt8 { pos < bytes.count ? bytes[pos] : 0 }

    func unexpected(at offset: Int, expected: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, message: "expected \(expected), found \(describe(at: offset))")
    }

    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the input" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}
