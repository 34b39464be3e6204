import AugurEngine

/// Writes model outputs as one JSON object: output name → one entry per row.
///
/// A [N] tensor gives N scalars, a [N, k, …] tensor N nested lists, a sequence of maps N
/// objects (label → probability, labels as strings). Non-finite numbers become `null`.
/// With `threads` above 1, the rows of a big output are formatted in chunks in parallel and
/// joined in order: the bytes are the same as with one thread.
public enum PredictionWriter {
    /// Rows below which a chunk is not worth a thread.
    static let minimumChunkRows = 4096

    public static func json(_ outputs: [(name: String, value: Value)], threads: Int = 1) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(outputs.reduce(1 << 16) { $0 + estimatedSize($1.value) })
        out.append(UInt8(ascii: "{"))
        for (index, output) in outputs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(output.name, to: &out)
            out.append(UInt8(ascii: ":"))
            write(output.value, to: &out, threads: threads)
        }
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    static func write(_ value: Value, to out: inout [UInt8], threads: Int = 1) {
        switch value {
        case .maps(let maps):
            let keys = maps.keys.strings.map { key -> [UInt8] in
                var k: [UInt8] = []
                writeString(key, to: &k)
                k.append(UInt8(ascii: ":"))
                return k
            }
            writeRows(maps.rows, threads: threads, to: &out) { rows, out in mapRows(maps, keys, rows, to: &out) }
        case .tensor(let tensor):
            guard !tensor.shape.isEmpty else { return elements(tensor.storage, 0..<1, to: &out) }
            writeRows(tensor.shape[0], threads: threads, to: &out) { rows, out in tensorRows(tensor, rows, to: &out) }
        }
    }

    /// `[`, the `count` rows formatted by `format` (comma-separated), `]`; in chunks on up to
    /// `threads` threads when there are many rows.
    private static func writeRows(_ count: Int, threads: Int, to out: inout [UInt8],
                                  _ format: @escaping @Sendable (Range<Int>, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        let chunks = Swift.min(threads, count / minimumChunkRows)
        if chunks > 1 {
            let parts = parallelMap(chunks, threads: threads) { chunk in
                var part: [UInt8] = []
                format((count * chunk / chunks)..<(count * (chunk + 1) / chunks), &part)
                return part
            }
            for (index, part) in parts.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: part)
            }
        } else {
            format(0..<count, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func mapRows(_ maps: ProbabilityMaps, _ keys: [[UInt8]], _ rows: Range<Int>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + rows.count * keys.count * 16)
        maps.scores.withUnsafeBufferPointer { scores in
            for row in rows {
                if row > rows.lowerBound { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                for column in keys.indices {
                    if column > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: keys[column])
                    writeNumber(scores[row * keys.count + column], to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
    }

    private static func tensorRows(_ tensor: Tensor, _ rows: Range<Int>, to out: inout [UInt8]) {
        let inner = tensor.shape.dropFirst().reduce(1, *)
        out.reserveCapacity(out.count + rows.count * Swift.max(1, inner) * 12)
        guard tensor.rank > 1 else { return elements(tensor.storage, rows, to: &out) }
        for row in rows {
            if row > rows.lowerBound { out.append(UInt8(ascii: ",")) }
            var index = row * inner
            nested(tensor, dimension: 1, index: &index, to: &out)
        }
    }

    private static func nested(_ tensor: Tensor, dimension: Int, index: inout Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        let count = tensor.shape[dimension]
        if dimension + 1 == tensor.rank {
            elements(tensor.storage, index..<(index + count), to: &out)
            index += count
        } else {
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                nested(tensor, dimension: dimension + 1, index: &index, to: &out)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The elements at `range` of `storage`, comma-separated (`null` past its end).
    private static func elements(_ storage: TensorStorage, _ range: Range<Int>, to out: inout [UInt8]) {
        switch storage {
        case .float32(let v): list(v, range, to: &out) { writeNumber($0, to: &$1) }
        case .float64(let v): list(v, range, to: &out) { writeNumber($0, to: &$1) }
        case .int64(let v): list(v, range, to: &out) { writeInteger($0, to: &$1) }
        case .int32(let v): list(v, range, to: &out) { writeInteger($0, to: &$1) }
        case .bool(let v): list(v, range, to: &out) { $1.append(contentsOf: $0 ? trueBytes : falseBytes) }
        case .string(let v): list(v, range, to: &out) { writeString($0, to: &$1) }
        }
    }

    @inline(__always)
    private static func list<T>(_ values: [T], _ range: Range<Int>, to out: inout [UInt8],
                                _ write: (T, inout [UInt8]) -> Void) {
        for i in range {
            if i > range.lowerBound { out.append(UInt8(ascii: ",")) }
            if i < values.count { write(values[i], &out) } else { out.append(contentsOf: nullBytes) }
        }
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// Rough bytes of a value's JSON, to reserve once.
    private static func estimatedSize(_ value: Value) -> Int {
        switch value {
        case .maps(let maps): maps.scores.count * 16
        case .tensor(let tensor): tensor.storage.count * 12
        }
    }

    /// The shortest decimal that reads back as `value` (Swift's `description`), or `null`.
    static func writeNumber<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, to out: inout [UInt8]) {
        guard value.isFinite else { return out.append(contentsOf: nullBytes) }
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Decimal digits, as `String(value)` writes them.
    static func writeInteger<I: FixedWidthInteger>(_ value: I, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeMutableBufferPointer(rebasing: digits[start...]))
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case UInt8(ascii: "\n"): out.append(contentsOf: [92, UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [92, UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
