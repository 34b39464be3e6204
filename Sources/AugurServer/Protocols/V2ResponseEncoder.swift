import AugurService
import AugurV2

/// `V2InferResponse` → REST bytes: JSON, with the outputs asked for in binary (the request's
/// `binary_data_output`, overridden per output by `binary_data`) as Triton's binary tensor
/// extension puts them: `parameters.binary_data_size` in the JSON, the bytes after it in
/// output order, and the JSON's length in `Inference-Header-Content-Length`.
struct V2ResponseEncoder {
    struct Body {
        let bytes: [UInt8]
        /// The JSON header's length when binary outputs follow it.
        let headerLength: Int?
    }

    func encode(_ response: V2InferResponse, for request: V2InferRequest) -> Body {
        let binaryByDefault = request.parameters["binary_data_output"]?.bool ?? false
        var blobs: [[UInt8]] = []
        var out = JSONOutput(capacity: 512)
        out.append(#"{"model_name":"#)
        JSONWriter.write(response.modelName, into: &out)
        out.append(#","model_version":"#)
        JSONWriter.write(response.modelVersion, into: &out)
        if let id = response.id {
            out.append(#","id":"#)
            JSONWriter.write(id, into: &out)
        }
        out.append(#","outputs":["#)
        for (i, tensor) in response.outputs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let asked = request.outputs?.first { $0.name == tensor.name }?.parameters["binary_data"]?.bool
            var parameters = tensor.parameters
            var blob: [UInt8]?
            if asked ?? binaryByDefault {
                blob = tensor.contents.encoded(as: tensor.datatype)
                parameters["binary_data_size"] = .int64(Int64(blob?.count ?? 0))
            }
            out.append(#"{"name":"#)
            JSONWriter.write(tensor.name, into: &out)
            out.append(#","datatype":"#)
            JSONWriter.write(tensor.datatype.rawValue, into: &out)
            out.append(#","shape":["#)
            for (d, dim) in tensor.shape.enumerated() {
                if d > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendInteger(Int64(dim), to: &out)
            }
            out.append(UInt8(ascii: "]"))
            if !parameters.isEmpty {
                out.append(#","parameters":"#)
                Self.write(parameters, into: &out)
            }
            if let blob {
                blobs.append(blob)
            } else {
                out.append(#","data":"#)
                Self.write(tensor.contents, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append("]}")
        guard !blobs.isEmpty else { return Body(bytes: Array(out.bytes), headerLength: nil) }
        let headerLength = out.count
        for blob in blobs { out.append(blob) }
        return Body(bytes: Array(out.bytes), headerLength: headerLength)
    }

    static func write(_ parameters: [String: V2Parameter], into out: inout JSONOutput) {
        out.append(UInt8(ascii: "{"))
        for (i, key) in parameters.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.write(key, into: &out)
            out.append(UInt8(ascii: ":"))
            switch parameters[key] {
            case .bool(let b)?: out.append(b ? "true" : "false")
            case .int64(let n)?: JSONWriter.appendInteger(n, to: &out)
            case .double(let d)?: JSONWriter.write(JSONNumber(d), into: &out)
            case .string(let s)?: JSONWriter.write(s, into: &out)
            case nil: out.append("null")
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Flat row-major data; non-finite floats as null, BYTES as (UTF-8) strings.
    static func write(_ contents: V2Contents, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "["))
        switch contents {
        case .bools(let v): list(v, into: &out) { $1.append($0 ? "true" : "false") }
        case .integers(let v): list(v, into: &out) { JSONWriter.appendInteger($0, to: &$1) }
        case .unsigned(let v): list(v, into: &out) { JSONWriter.write($0 <= UInt64(Int64.max) ? JSONNumber(Int64($0)) : JSONNumber(Double($0)), into: &$1) }
        case .floats(let v): list(v, into: &out) { JSONWriter.write(JSONNumber($0), into: &$1) }
        case .doubles(let v): list(v, into: &out) { JSONWriter.write(JSONNumber($0), into: &$1) }
        case .bytes(let v): list(v, into: &out) { JSONWriter.write(String(decoding: $0, as: UTF8.self), into: &$1) }
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func list<T>(_ values: [T], into out: inout JSONOutput, _ body: (T, inout JSONOutput) -> Void) {
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            body(value, &out)
        }
    }
}
