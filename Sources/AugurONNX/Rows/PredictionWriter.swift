import AugurEngine

/// Writes model outputs as one JSON object: output name → one entry per row.
///
/// A [N] tensor gives N scalars, a [N, k, …] tensor N nested lists, a sequence of maps N
/// objects (label → probability, labels as strings). Non-finite numbers become `null`.
public enum PredictionWriter {
    public static func json(_ outputs: [(name: String, value: Value)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        out.append(UInt8(ascii: "{"))
        for (index, output) in outputs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(output.name, to: &out)
            out.append(UInt8(ascii: ":"))
            write(output.value, to: &out)
        }
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    static func write(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .maps(let maps):
            let keys = maps.keys.strings.map { key -> [UInt8] in
                var k: [UInt8] = []
                writeString(key, to: &k)
                k.append(UInt8(ascii: ":"))
                return k
            }
            out.append(UInt8(ascii: "["))
            for row in 0..<maps.rows {
                if row > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                for (column, score) in maps.row(row).enumerated() {
                    if column > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: keys[column])
                    writeNumber(score, to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        case .tensor(let tensor):
            guard !tensor.shape.isEmpty else { return element(tensor.storage, 0, to: &out) }
            var index = 0
            nested(tensor, dimension: 0, index: &index, to: &out)
        }
    }

    private static func nested(_ tensor: Tensor, dimension: Int, index: inout Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for i in 0..<tensor.shape[dimension] {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if dimension + 1 < tensor.rank {
                nested(tensor, dimension: dimension + 1, index: &index, to: &out)
            } else {
                element(tensor.storage, index, to: &out)
                index += 1
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func element(_ storage: TensorStorage, _ i: Int, to out: inout [UInt8]) {
        guard i < storage.count else { return out.append(contentsOf: Array("null".utf8)) }
        switch storage {
        case .float32(let v): writeNumber(v[i], to: &out)
        case .float64(let v): writeNumber(v[i], to: &out)
        case .int64(let v): out.append(contentsOf: Array(String(v[i]).utf8))
        case .int32(let v): out.append(contentsOf: Array(String(v[i]).utf8))
        case .bool(let v): out.append(contentsOf: Array((v[i] ? "true" : "false").utf8))
        case .string(let v): writeString(v[i], to: &out)
        }
    }

    static func writeNumber<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, to out: inout [UInt8]) {
        guard value.isFinite else { return out.append(contentsOf: Array("null".utf8)) }
        out.append(contentsOf: value.description.utf8)
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
