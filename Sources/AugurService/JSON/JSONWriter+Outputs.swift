import AugurEngine
import AugurRows

/// Model outputs as JSON, with the one JSON writer: `augur predict --model`'s answer.
extension JSONWriter {
    /// Rows below which a chunk is not worth a thread.
    static let minimumChunkRows = 4096

    /// One object: output name → one entry per row, then a newline. A [N] tensor gives N
    /// scalars, a [N, k, …] tensor N nested lists, a sequence of maps N objects (label →
    /// probability, labels as strings). Non-finite numbers become `null`. With `threads`
    /// above 1, the rows of a big output are formatted in chunks in parallel and joined in
    /// order: the bytes are the same as with one thread.
    public static func outputs(_ outputs: [(name: String, value: Value)], threads: Int = 1) -> [UInt8] {
        var out = JSONOutput(capacity: outputs.reduce(1 << 16) { $0 + estimatedSize($1.value) })
        write(outputs: outputs, into: &out, threads: threads)
        out.append(UInt8(ascii: "\n"))
        return Array(out.bytes)
    }

    /// The object of `outputs(_:threads:)`, without the newline.
    public static func write(outputs: [(name: String, value: Value)], into out: inout JSONOutput, threads: Int = 1) {
        out.append(UInt8(ascii: "{"))
        for (index, output) in outputs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(output.name, into: &out)
            out.append(UInt8(ascii: ":"))
            write(output.value, into: &out, threads: threads)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// One value, its rows as a list.
    public static func write(_ value: Value, into out: inout JSONOutput, threads: Int = 1) {
        switch value {
        case .maps(let maps):
            let keys = maps.keys.strings
            writeRows(maps.rows, threads: threads, into: &out) { rows, out in mapRows(maps, keys, rows, into: &out) }
        case .tensor(let tensor):
            guard !tensor.shape.isEmpty else { return elements(tensor.storage, 0..<1, into: &out) }
            writeRows(tensor.shape[0], threads: threads, into: &out) { rows, out in tensorRows(tensor, rows, into: &out) }
        }
    }

    /// `[`, the `count` rows formatted by `format` (comma-separated), `]`; in chunks on up to
    /// `threads` threads when there are many rows.
    private static func writeRows(_ count: Int, threads: Int, into out: inout JSONOutput,
                                  _ format: @escaping @Sendable (Range<Int>, inout JSONOutput) -> Void) {
        out.append(UInt8(ascii: "["))
        let chunks = Swift.min(threads, count / minimumChunkRows)
        if chunks > 1 {
            let parts = parallelMap(chunks, threads: threads) { chunk -> [UInt8] in
                var part = JSONOutput(capacity: 1 << 16)
                format((count * chunk / chunks)..<(count * (chunk + 1) / chunks), &part)
                return Array(part.bytes)
            }
            for (index, part) in parts.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(part)
            }
        } else {
            format(0..<count, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func mapRows(_ maps: ProbabilityMaps, _ keys: [String], _ rows: Range<Int>, into out: inout JSONOutput) {
        maps.scores.withUnsafeBufferPointer { scores in
            for row in rows {
                if row > rows.lowerBound { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                for column in keys.indices {
                    if column > 0 { out.append(UInt8(ascii: ",")) }
                    write(keys[column], into: &out)
                    out.append(UInt8(ascii: ":"))
                    write(JSONNumber(scores[row * keys.count + column]), into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
    }

    private static func tensorRows(_ tensor: Tensor, _ rows: Range<Int>, into out: inout JSONOutput) {
        let inner = tensor.shape.dropFirst().reduce(1, *)
        guard tensor.rank > 1 else { return elements(tensor.storage, rows, into: &out) }
        for row in rows {
            if row > rows.lowerBound { out.append(UInt8(ascii: ",")) }
            var index = row * inner
            nested(tensor, dimension: 1, index: &index, into: &out)
        }
    }

    private static func nested(_ tensor: Tensor, dimension: Int, index: inout Int, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "["))
        let count = tensor.shape[dimension]
        if dimension + 1 == tensor.rank {
            elements(tensor.storage, index..<(index + count), into: &out)
            index += count
        } else {
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                nested(tensor, dimension: dimension + 1, index: &index, into: &out)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The elements at `range` of `storage`, comma-separated (`null` past its end).
    private static func elements(_ storage: TensorStorage, _ range: Range<Int>, into out: inout JSONOutput) {
        switch storage {
        case .float32(let v): list(v, range, into: &out) { write(JSONNumber($0), into: &$1) }
        case .float64(let v): list(v, range, into: &out) { write(JSONNumber($0), into: &$1) }
        case .int64(let v): list(v, range, into: &out) { appendInteger($0, to: &$1) }
        case .int32(let v): list(v, range, into: &out) { appendInteger(Int64($0), to: &$1) }
        case .bool(let v): list(v, range, into: &out) { $1.append($0 ? "true" : "false") }
        case .string(let v): list(v, range, into: &out) { write($0, into: &$1) }
        }
    }

    @inline(__always)
    private static func list<T>(_ values: [T], _ range: Range<Int>, into out: inout JSONOutput,
                                _ write: (T, inout JSONOutput) -> Void) {
        for i in range {
            if i > range.lowerBound { out.append(UInt8(ascii: ",")) }
            if i < values.count { write(values[i], &out) } else { out.append("null") }
        }
    }

    /// Rough bytes of a value's JSON, to reserve once.
    private static func estimatedSize(_ value: Value) -> Int {
        switch value {
        case .maps(let maps): maps.scores.count * 16
        case .tensor(let tensor): tensor.storage.count * 12
        }
    }
}
