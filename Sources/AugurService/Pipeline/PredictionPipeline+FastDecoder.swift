/// The fast decoder: the common request read straight from its bytes, one flat JSON object
/// whose keys are all parameter names (plain ASCII, no escapes, each once) and whose values
/// are scalars that validate and pass the rules. It feeds the same `predict(_:)` as every
/// other decoder; only the reading of the body is faster.
///
/// Anything else (a batch, `instances`, an unknown or repeated key, a nested value, a syntax
/// error, an invalid value, a missing required parameter, a failed rule) makes it give up,
/// and `decode(json:parser:)` takes the general path (`JSONParser` → `JSONValue` →
/// `decode(body:)`), which produces the same values or the errors. When it succeeds, the
/// general path would have produced exactly the same rows: the same reader code parses each
/// value and the same `ParameterSpec.validate` and rules check it (`FastDecoderTests`).
extension PredictionPipeline {
    /// The validated row of a single-object request, or nil to take the general path.
    func fastRows(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> ParameterRows? {
        let count = schema.parameters.count
        guard count <= 64, maxDepth >= 1, schema.namesAreASCII else { return nil }
        var reader = JSONReader(bytes: bytes, maxDepth: maxDepth)
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else { return nil }
        reader.pos += 1
        reader.skipWhitespace()
        var storage = [ParameterValue](filled: .missing, count: count)
        var seen: UInt64 = 0
        if reader.peek() == UInt8(ascii: "}") {
            reader.pos += 1
        } else {
            while true {
                guard let index = fastKey(&reader), seen & (1 << UInt64(index)) == 0 else { return nil }
                seen |= 1 << UInt64(index)
                reader.skipWhitespace()
                guard reader.peek() == UInt8(ascii: ":") else { return nil }
                reader.pos += 1
                reader.skipWhitespace()
                let first = reader.peek()
                guard first != UInt8(ascii: "{"), first != UInt8(ascii: "["), let value = try? reader.scalar() else { return nil }
                var issues: [Issue] = []
                guard let checked = schema.parameters[index].validate(value, at: [], issues: &issues) else { return nil }
                storage[index] = checked
                reader.skipWhitespace()
                let byte = reader.peek()
                reader.pos += 1
                if byte == UInt8(ascii: ",") {
                    reader.skipWhitespace()
                    continue
                }
                guard byte == UInt8(ascii: "}") else { return nil }
                break
            }
        }
        reader.skipWhitespace()
        guard reader.pos >= bytes.count else { return nil }
        for i in 0..<count where seen & (1 << UInt64(i)) == 0 {
            guard !schema.parameters[i].parameter.required else { return nil }
            storage[i] = schema.parameters[i].absentValue
        }
        // Every value is valid here, so a rule runs when none of its values is missing.
        let row = ParameterRow(storage)
        for r in schema.rules.indices where schema.rules[r].parameterIndices.allSatisfy({ row[$0] != .missing }) {
            if !schema.rules[r].check(row) { return nil }
        }
        return ParameterRows(storage: storage, count: 1, isBatch: false)
    }

    /// The parameter index of a plain key at the cursor (moved past its closing quote).
    private func fastKey(_ reader: inout JSONReader) -> Int? {
        guard reader.peek() == UInt8(ascii: "\"") else { return nil }
        let start = reader.pos + 1
        var end = start
        let bytes = reader.bytes
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        reader.pos = end + 1
        return schema.position(ofKey: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }
}
