/// A strict RFC 8259 JSON parser for request bodies.
///
/// Rejects what a lenient parser would guess at: `NaN`/`Infinity` literals, trailing commas
/// and garbage, invalid UTF-8, lone surrogate escapes, numbers that overflow a Double (`1e400`),
/// duplicate object keys, and nesting deeper than `maxDepth`. Each is a 400 `RequestError` of
/// type `json_invalid` whose message names the problem and where it is (line, column, byte
/// offset). Parsing is iterative (an explicit container stack), so no input can exhaust the
/// call stack.
public struct JSONParser: Sendable {
    /// The largest `maxDepth` honoured: a `JSONValue` nested deeper could not be destroyed or
    /// serialised without deep recursion on a small thread stack.
    public static let depthLimit = 512

    /// The deepest nesting of arrays and objects accepted (1 ... `depthLimit`).
    public let maxDepth: Int

    public init(maxDepth: Int = ServiceDefaults.maxJSONDepth) {
        self.maxDepth = min(max(1, maxDepth), Self.depthLimit)
    }

    /// Parses one JSON text; whitespace may surround it, nothing else may follow it.
    public func parse(_ bytes: some Collection<UInt8>) throws(RequestError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { parse(buffer: $0) }
            ?? Array(bytes).withUnsafeBufferPointer { parse(buffer: $0) }
        return try result.get()
    }

    /// Parses a string's UTF-8.
    public func parse(_ text: String) throws(RequestError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { parse(buffer: $0) }
        return try result.get()
    }

    private func parse(buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, RequestError> {
        var reader = JSONReader(bytes: buffer, maxDepth: maxDepth)
        do {
            return .success(try reader.document())
        } catch {
            return .failure(error.requestError(in: buffer))
        }
    }
}

/// A syntax problem at a byte offset; turned into a `RequestError` with line and column.
struct JSONSyntaxError: Error {
    let offset: Int
    let message: String

    func requestError(in bytes: UnsafeBufferPointer<UInt8>) -> RequestError {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        let column = end - lineStart + 1
        return .malformedJSON(message, line: line, column: column, offset: offset)
    }
}
