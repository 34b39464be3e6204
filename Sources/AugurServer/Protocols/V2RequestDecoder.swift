import AugurService
import AugurV2

/// A V2 REST inference request's bytes → `V2InferRequest`: the JSON header, and with
/// Triton's binary tensor extension (`Inference-Header-Content-Length`) the binary tensors
/// after it, taken in input order by each input's `parameters.binary_data_size`.
struct V2RequestDecoder {
    let parser: JSONParser

    func decode(_ body: [UInt8], headerLength: String?) throws(V2Error) -> V2InferRequest {
        var jsonEnd = body.count
        if let headerLength {
            guard let n = Int(String(headerLength.trimming(" \t"))), n >= 0, n <= body.count else {
                throw .invalid("Inference-Header-Content-Length '\(headerLength)' is not a length within the body's \(body.count) bytes.")
            }
            guard n > 0 else { throw .invalid("Raw binary requests (Inference-Header-Content-Length: 0) are not supported; send a JSON header.") }
            jsonEnd = n
        }
        let header: JSONValue
        do throws(RequestError) { header = try parser.parse(body[0..<jsonEnd]) } catch {
            throw .invalid("The request is not valid JSON: \(error.issues.first?.msg ?? "").")
        }
        guard case .object(let object) = header else { throw .invalid("The request must be a JSON object with 'inputs'.") }
        guard case .array(let items)? = object["inputs"] else { throw .invalid("The request needs 'inputs', a list of tensors.") }
        guard !items.isEmpty else { throw .invalid("The request's 'inputs' is empty; send one tensor per input of the model.") }
        var binary = body[jsonEnd...]
        var inputs: [V2Tensor] = []
        for (i, item) in items.enumerated() { inputs.append(try input(item, at: i, binary: &binary)) }
        guard binary.isEmpty else {
            throw .invalid("\(binary.count) bytes of binary data follow the header that no input's 'binary_data_size' claims.")
        }
        var request = V2InferRequest(id: nil, parameters: try Self.parameters(object["parameters"], "the request"), inputs: inputs)
        switch object["id"] {
        case nil, .null?: break
        case .string(let id)?: request.id = id
        default: throw .invalid("'id' must be a string.")
        }
        if let outputs = object["outputs"] {
            guard case .array(let wanted) = outputs else { throw .invalid("'outputs' must be a list.") }
            request.outputs = try wanted.map { (item: JSONValue) throws(V2Error) -> V2InferRequest.Output in
                guard case .string(let name)? = item["name"] else { throw .invalid("Each requested output needs a 'name'.") }
                return .init(name: name, parameters: try Self.parameters(item["parameters"], "output '\(name)'"))
            }
        }
        return request
    }

    private func input(_ item: JSONValue, at index: Int, binary: inout ArraySlice<UInt8>) throws(V2Error) -> V2Tensor {
        guard case .string(let name)? = item["name"] else { throw .invalid("Input \(index) needs a 'name'.") }
        guard case .string(let typeName)? = item["datatype"], let datatype = V2Datatype(rawValue: typeName) else {
            throw .invalid("Input '\(name)' needs a 'datatype', one of \(V2Datatype.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard case .array(let dims)? = item["shape"], dims.count <= V2Limits.maxRank else {
            throw .invalid("Input '\(name)' needs a 'shape', a list of at most \(V2Limits.maxRank) sizes.")
        }
        let shape = try dims.map { (dim: JSONValue) throws(V2Error) -> Int in
            guard case .number(let n) = dim, let value = n.int64, value >= 0, value <= Int64(V2Limits.maxElements) else {
                throw .invalid("Input '\(name)' has shape \(JSONValue.array(dims).serializedString); sizes are whole numbers from 0 to \(V2Limits.maxElements).")
            }
            return Int(value)
        }
        guard let count = V2Tensor.elementCount(shape) else {
            throw .invalid("Input '\(name)' has shape \(shape): more than \(V2Limits.maxElements) elements.")
        }
        let parameters = try Self.parameters(item["parameters"], "input '\(name)'")
        if let size = parameters["binary_data_size"] {
            guard let n = size.int64, n >= 0, n <= Int64(binary.count) else {
                throw .invalid("Input '\(name)' claims \(size) bytes of binary data; \(binary.count) remain.")
            }
            let start = binary.startIndex
            let contents = try V2Contents.decode(binary[start..<(start + Int(n))], datatype: datatype, count: count, name: name)
            binary = binary[(start + Int(n))...]
            return V2Tensor(name: name, datatype: datatype, shape: shape, contents: contents, parameters: parameters)
        }
        guard let data = item["data"] else { throw .invalid("Input '\(name)' has neither 'data' nor 'parameters.binary_data_size'.") }
        var flat: [JSONValue] = []
        flatten(data, into: &flat)
        return V2Tensor(name: name, datatype: datatype, shape: shape, contents: try Self.contents(flat, datatype, name), parameters: parameters)
    }

    /// Nested lists in row-major order, flat.
    private func flatten(_ value: JSONValue, into out: inout [JSONValue]) {
        if case .array(let items) = value {
            for item in items { flatten(item, into: &out) }
        } else {
            out.append(value)
        }
    }

    /// JSON elements as contents of `datatype`: bools, whole numbers within the integer type's
    /// range, numbers (null is NaN) for floats, strings for BYTES.
    static func contents(_ values: [JSONValue], _ datatype: V2Datatype, _ name: String) throws(V2Error) -> V2Contents {
        func bad(_ value: JSONValue) -> V2Error {
            .invalid("Input '\(name)' holds \(value.serializedString), which is not a \(datatype.rawValue) value.")
        }
        switch datatype {
        case .bool:
            return .bools(try values.map { (v: JSONValue) throws(V2Error) -> Bool in guard case .bool(let b) = v else { throw bad(v) }; return b })
        case .fp32, .fp64:
            let doubles = try values.map { (v: JSONValue) throws(V2Error) -> Double in
                switch v {
                case .null: return .nan
                case .number(let n): return n.double
                default: throw bad(v)
                }
            }
            return datatype == .fp32 ? .floats(doubles.map { Float($0) }) : .doubles(doubles)
        case .bytes:
            return .bytes(try values.map { (v: JSONValue) throws(V2Error) -> [UInt8] in guard case .string(let s) = v else { throw bad(v) }; return Array(s.utf8) })
        case .fp16:
            throw .invalid("Input '\(name)': datatype FP16 is not supported.")
        default:
            guard let range = datatype.integerRange else { throw bad(.null) }
            if datatype.isUnsigned {
                return .unsigned(try values.map { (v: JSONValue) throws(V2Error) -> UInt64 in
                    guard case .number(let n) = v, n.isIntegral, range.contains(n.double) else { throw bad(v) }
                    return n.int64.map { UInt64($0) } ?? UInt64(n.double)
                })
            }
            return .integers(try values.map { (v: JSONValue) throws(V2Error) -> Int64 in
                guard case .number(let n) = v, n.isIntegral, let i = n.int64, range.contains(Double(i)) else { throw bad(v) }
                return i
            })
        }
    }

    /// A `parameters` object: string, number and bool values.
    static func parameters(_ value: JSONValue?, _ owner: String) throws(V2Error) -> [String: V2Parameter] {
        guard let value, value != .null else { return [:] }
        guard case .object(let object) = value else { throw .invalid("The parameters of \(owner) must be an object.") }
        var out: [String: V2Parameter] = [:]
        for member in object.members {
            switch member.value {
            case .bool(let b): out[member.key] = .bool(b)
            case .string(let s): out[member.key] = .string(s)
            case .number(let n): out[member.key] = n.int64.map(V2Parameter.int64) ?? .double(n.double)
            default: throw .invalid("Parameter '\(member.key)' of \(owner) must be a string, number or bool.")
            }
        }
        return out
    }
}

extension StringProtocol {
    /// Without the leading and trailing characters in `set`.
    func trimming(_ set: String) -> SubSequence {
        var s = self[...]
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return s
    }
}
